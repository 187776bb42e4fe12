"""targetdsl: government target-management assessment methods as checked policy files.

>>> import targetdsl
>>> policy = targetdsl.load_policy("policies/lianyungang-2003.tdsl")
>>> policy.year
2003
"""

__version__ = "0.1.0"

from targetdsl.api import (  # noqa: E402 (the version is read by api)
    Policy,
    Report,
    check_path,
    check_text,
    diff_policies,
    impact,
    load_policy,
    parse_policy,
    verify_record,
)
from targetdsl.audit.record import RecordError
from targetdsl.diagnostics import Diagnostic, PolicyError, Severity, TargetdslError
from targetdsl.evaluation.interpreter import EvaluationError
from targetdsl.evaluation.results import Assessment, CarryOver, CategoryResult, MeasureResult, Step, UnitResult
from targetdsl.keywords import Language
from targetdsl.language.formatter import FormatError, format_policy
from targetdsl.source import Span
from targetdsl.values import DataError, DataProblem

__all__ = [
    "Assessment",
    "CarryOver",
    "CategoryResult",
    "DataError",
    "DataProblem",
    "Diagnostic",
    "EvaluationError",
    "FormatError",
    "Language",
    "MeasureResult",
    "Step",
    "UnitResult",
    "Policy",
    "PolicyError",
    "RecordError",
    "Report",
    "Severity",
    "Span",
    "TargetdslError",
    "__version__",
    "check_path",
    "check_text",
    "diff_policies",
    "impact",
    "format_policy",
    "load_policy",
    "parse_policy",
    "verify_record",
]
