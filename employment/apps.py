from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "employment"
