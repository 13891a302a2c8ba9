from rest_framework import serializers


class TargetPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    code = serializers.CharField(help_text="T1–T6")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)


class BudgetLineSerializer(serializers.Serializer):
    date = serializers.DateField()
    committee = serializers.CharField()
    line = serializers.CharField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    allocated = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    share = serializers.FloatField(allow_null=True)
    forecast = serializers.DecimalField(max_digits=14, decimal_places=2)


class EstimateSerializer(serializers.Serializer):
    suppressed = serializers.BooleanField(help_text="Hidden small cell: no counts are given.")
    secondary = serializers.BooleanField(required=False)
    pilot_hits = serializers.IntegerField(required=False)
    pilot_n = serializers.IntegerField(required=False)
    pilot_rate = serializers.FloatField(required=False, allow_null=True)
    comparison_hits = serializers.IntegerField(required=False)
    comparison_n = serializers.IntegerField(required=False)
    comparison_rate = serializers.FloatField(required=False, allow_null=True)
    difference = serializers.FloatField(required=False, allow_null=True)
    low = serializers.FloatField(required=False, allow_null=True, help_text="95 % interval")
    high = serializers.FloatField(required=False, allow_null=True, help_text="95 % interval")


class CohortEstimateSerializer(EstimateSerializer):
    cohort = serializers.CharField()


class OutcomeSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["t1", "work_6", "work_12", "t2"])
    label = serializers.CharField()
    overall = EstimateSerializer()
    cohorts = CohortEstimateSerializer(many=True)


class EvaluationSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True, help_text="Measurement date")
    computed_at = serializers.DateTimeField(allow_null=True)
    matching = serializers.DictField()
    pool = serializers.DictField()
    caliper_months = serializers.IntegerField()
    threshold = serializers.IntegerField()
    outcomes = OutcomeSerializer(many=True)
    cost_outcome = serializers.CharField(allow_null=True)
    cost = serializers.DictField(allow_null=True)


class ExtractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    rows = serializers.IntegerField()
    people = serializers.IntegerField()
    measurement_date = serializers.DateField(allow_null=True)
