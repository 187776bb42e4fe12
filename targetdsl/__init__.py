"""targetdsl: government target-management assessment methods as checked policy files.

    >>> import targetdsl
    >>> policy = targetdsl.load_policy("policies/lianyungang-2003.tdsl")
    >>> policy.year
    2003
"""

from targetdsl.api import Policy, Report, check_path, check_text, load_policy, parse_policy
from targetdsl.data import DataError, DataProblem
from targetdsl.diagnostics import Diagnostic, PolicyError, Severity, TargetdslError
from targetdsl.formatter import FormatError, format_policy
from targetdsl.interpreter import EvaluationError
from targetdsl.results import Assessment, CarryOver, CategoryResult, MeasureResult, Step, UnitResult
from targetdsl.source import Span

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "CarryOver",
    "CategoryResult",
    "DataError",
    "DataProblem",
    "Diagnostic",
    "EvaluationError",
    "FormatError",
    "MeasureResult",
    "Step",
    "UnitResult",
    "Policy",
    "PolicyError",
    "Report",
    "Severity",
    "Span",
    "TargetdslError",
    "__version__",
    "check_path",
    "check_text",
    "format_policy",
    "load_policy",
    "parse_policy",
]
