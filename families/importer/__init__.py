"""Target-group import (SPEC §8; issue 2, item 8).

The target group arrives as a CSV extract (DREAM register + civil register), one row
per person. The import is validated row by row, can be dry-run, and is idempotent:
a family is keyed by the extract's household id, a person by the keyed hash of the
CPR number, so importing the same file again changes nothing.

By concern: the file is read by bi18.lib.csvfile (shared with the expenditure import);
`rows` validates one row field by field (row number as Excel shows it: the header is
row 1); `households` applies the household rules and plans what to write; `writing`
writes the plan with its audit rows; `services` holds the import and the upload
services (preview, then commit) that views and the command call.

Messages never quote a cell's value: a shifted column could put a CPR number in any
field, and reports are shown on screen and printed by the command.
"""

from bi18.lib.csvfile import ImportFileError
from families.importer.households import TARGET_GROUP_SOURCE, ImportReport
from families.importer.rows import COLUMNS
from families.importer.services import (
    MAX_FILE_BYTES,
    STALE_UPLOAD_AGE,
    AlreadyCommitted,
    target_group_import,
    target_group_upload_commit,
    target_group_upload_create,
    target_group_upload_discard,
)

__all__ = [
    "COLUMNS",
    "MAX_FILE_BYTES",
    "STALE_UPLOAD_AGE",
    "TARGET_GROUP_SOURCE",
    "AlreadyCommitted",
    "ImportFileError",
    "ImportReport",
    "target_group_import",
    "target_group_upload_commit",
    "target_group_upload_create",
    "target_group_upload_discard",
]
