"""FHIR R4 resources in, the index procedure and the model's findings with provenance out.

Knows FHIR and codes; knows nothing of cards or HTTP. Load the code contract once at start-up
with :func:`load_mapping_config` (and, to read radiology report text, build a
:class:`ReportTextReader` from :func:`load_text_rules`), then call :func:`assess_payloads` per
patient with the FHIR JSON payloads: it selects the resources the code contract names on the
raw JSON, parses only those, and assesses them (pure: no I/O). :func:`resources_from` and
:func:`assess` are the two steps for resources parsed whole.
"""

from .assessment import Assessment, Finding, FindingStatus, assess
from .codes import (
    DERIVATION_LEVELS,
    FINDING_DOMAINS,
    FINDING_NAMES,
    GOUTALLIER_GRADES,
    ExclusionRule,
    FindingName,
    ProcedureKind,
    VertebralLevel,
)
from .config import MappingConfig, MappingConfigError, load_mapping_config, search_codes
from .estimates import RecordedEstimate
from .parsing import InvalidResourceError, resources_from
from .procedures import Applicability, IndexProcedure, levels_outside_derivation
from .provenance import Source, SourceKind
from .reasons import Caveat, CaveatKind, Conflict, NoValue, NoValueKind, Problem, Unreadable
from .report_text import ReportRulesError, ReportTextReader, TextRules, load_text_rules
from .scope import Exclusion, PainScale, PainScore, TimeWindow, Timing
from .selection import assess_payloads
from .timing import Placement

__all__ = [
    "DERIVATION_LEVELS",
    "FINDING_DOMAINS",
    "GOUTALLIER_GRADES",
    "Caveat",
    "CaveatKind",
    "Conflict",
    "NoValue",
    "NoValueKind",
    "Placement",
    "Problem",
    "Unreadable",
    "levels_outside_derivation",
    "FINDING_NAMES",
    "Applicability",
    "Assessment",
    "CaveatKind",
    "Exclusion",
    "ExclusionRule",
    "Finding",
    "FindingName",
    "FindingStatus",
    "IndexProcedure",
    "InvalidResourceError",
    "MappingConfig",
    "MappingConfigError",
    "ProcedureKind",
    "RecordedEstimate",
    "ReportRulesError",
    "ReportTextReader",
    "Source",
    "SourceKind",
    "TextRules",
    "PainScale",
    "PainScore",
    "TimeWindow",
    "Timing",
    "VertebralLevel",
    "assess",
    "assess_payloads",
    "load_mapping_config",
    "load_text_rules",
    "resources_from",
    "search_codes",
]
