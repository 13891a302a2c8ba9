"""Maximum lengths of free text, in characters (issue 9 §5).

Every text a user types has a sane limit, so that one request cannot store megabytes
that every page, PDF and export of the family then has to carry. The model fields
(TextField(max_length=...)) and the plain forms both take their limit from here; a
form refuses a longer text with Django's own Danish message ("Sørg for at denne
værdi højst indeholder … tegn"), keeping what was typed, and the browser stops
typing at the limit (maxlength).
"""

# A goal, an action or a decision of the family plan: a sentence or a short paragraph.
PLAN_ITEM = 1_000
DECISION = 2_000
# Why a status changed or a track ended.
REASON = 1_000
# A dated note or contact (mentor, guidance, retention, follow-up) or an addendum.
NOTE = 4_000
# A family's standing notes; an employment goal.
FAMILY_NOTES = 4_000
EMPLOYMENT_GOAL = 2_000
# A meeting's agenda and minutes: pages, not books.
AGENDA = 10_000
MINUTES = 50_000
