"""Examples copied from the CDS Hooks 2.0 text (https://cds-hooks.hl7.org/2.0/) and its hook pages.

Each constant names the section it was copied from. JSON literals became Python literals and
nothing else changed, except where a comment says so. Where the spec prints a fragment (a member
such as `"context": {...}` rather than a whole body), the constant holds the member's value.
"""

from __future__ import annotations

from typing import Any

# "Discovery > Discovery Example"
DISCOVERY_EXAMPLE: dict[str, Any] = {
    "services": [
        {
            "hook": "patient-view",
            "title": "Static CDS Service Example",
            "description": "An example of a CDS Service that returns a static set of cards",
            "id": "static-patient-greeter",
            "prefetch": {"patientToGreet": "Patient/{{context.patientId}}"},
        },
        {
            "hook": "order-select",
            "title": "Order Echo CDS Service",
            "description": "An example of a CDS Service that simply echoes the order(s) "
            "being placed",
            "id": "order-echo",
            "prefetch": {
                "patient": "Patient/{{context.patientId}}",
                "medications": "MedicationRequest?patient={{context.patientId}}",
            },
        },
        {
            "hook": "order-sign",
            "title": "Pharmacogenomics CDS Service",
            "description": "An example of a more advanced, precision medicine CDS Service",
            "id": "pgx-on-order-sign",
            "usageRequirements": "Note: functionality of this CDS Service is degraded without "
            "access to a FHIR Restful API as part of CDS recommendation generation.",
        },
    ]
}

# "Extensions": "an extension defined on the discovery response"
DISCOVERY_EXTENSION_EXAMPLE: dict[str, Any] = {
    "services": [
        {
            "title": "Example CDS Service Discovery",
            "hook": "patient-view",
            "id": "patientview",
            "prefetch": {"patient": "Patient/{{context.patientId}}"},
            "description": "clinical decision support for patient view",
            "extension": {
                "com.example.clientConformance": "http://hooks.example.org/fhir/102/Conformance/patientview"
            },
        }
    ]
}

# "Prefetch Template": the value of the fragment `{"prefetch": {...}}`
PREFETCH_TEMPLATE_EXAMPLE: dict[str, str] = {
    "hemoglobin-a1c": "Observation?patient={{context.patientId}}&code=4548-4&_count=1"
    "&sort:desc=date"
}

# "Prefetch tokens identifying the user": the two `{"prefetch": {...}}` fragments
PREFETCH_USER_READ_EXAMPLE: dict[str, str] = {"user": "{{context.userId}}"}
PREFETCH_USER_SEARCH_EXAMPLE: dict[str, str] = {
    "user": "PractitionerRole?_id={{userPractitionerRoleId}}&_include=PractitionerRole:practitioner"
}

# "Example prefetch templates": the value of the fragment `{"prefetch": {...}}`
PREFETCH_TEMPLATES_EXAMPLE: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "hemoglobin-a1c": "Observation?patient={{context.patientId}}&code=4548-4&_count=1"
    "&sort:desc=date",
    "diabetes-type2": "Condition?patient={{context.patientId}}&code=44054006"
    "&category=problem-list-item&status=active",
    "user": "PractitionerRole?_id={{userPractitionerRoleId}}",
}

# "Hook context and prefetch": the hook's prefetch fragment
PREFETCH_PATIENT_TO_GREET_EXAMPLE: dict[str, str] = {
    "patientToGreet": "Patient/{{context.patientId}}"
}

# "Calling a CDS Service > Example"
HOOK_REQUEST_EXAMPLE: dict[str, Any] = {
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "fhirServer": "http://hooks.smarthealthit.org:9080",
    "hook": "patient-view",
    "fhirAuthorization": {
        "access_token": "some-opaque-fhir-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "user/Patient.read user/Observation.read",
        "subject": "cds-service4",
    },
    "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
    "prefetch": {
        "patientToGreet": {
            "resourceType": "Patient",
            "gender": "male",
            "birthDate": "1925-12-23",
            "id": "1288992",
            "active": True,
        }
    },
}

# "Extensions": "an extension on a request". Its patient-view context lacks the REQUIRED
# patientId; the tests show that this is the example's only fault.
HOOK_REQUEST_EXTENSION_EXAMPLE: dict[str, Any] = {
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "fhirServer": "http://fhir.example.org:9080",
    "hook": "patient-view",
    "context": {"userId": "Practitioner/example"},
    "extension": {
        "com.example.timestamp": "2017-11-27T22:13:25Z",
        "com.cds-hooks.sandbox.myextension-practitionerspecialty": "gastroenterology",
    },
}

# "Hook context and prefetch > What's the difference?": the `"context": {...}` fragment
PATIENT_VIEW_CONTEXT_IN_SPEC: dict[str, str] = {
    "userId": "PractitionerRole/123",
    "patientId": "1288992",
}

# patient-view 1.1 "Examples" (https://cds-hooks.hl7.org/hooks/patient-view/STU1/patient-view/)
PATIENT_VIEW_CONTEXT_EXAMPLES: list[dict[str, str]] = [
    {"userId": "PractitionerRole/123", "patientId": "1288992"},
    {"userId": "Practitioner/abc", "patientId": "1288992", "encounterId": "456"},
]

# encounter-discharge 1.0 "Examples"
# (https://cds-hooks.hl7.org/hooks/encounter-discharge/STU1/encounter-discharge/)
ENCOUNTER_DISCHARGE_CONTEXT_EXAMPLE: dict[str, str] = {
    "userId": "PractitionerRole/A2340113",
    "patientId": "1288992",
    "encounterId": "456",
}

# "Example prefetch data": the value of the fragment `{"prefetch": {...}}`. Its "user": "123"
# is not a FHIR resource, against "each value being a FHIR resource" in "Providing FHIR
# Resources to a CDS Service"; the tests show that this entry is the example's only fault.
PREFETCH_DATA_EXAMPLE: dict[str, Any] = {
    "patient": {
        "resourceType": "Patient",
        "gender": "male",
        "birthDate": "1974-12-25",
        "...": "<snipped for brevity>",
    },
    "hemoglobin-a1c": {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {
                "resource": {
                    "resourceType": "Observation",
                    "code": {
                        "coding": [
                            {
                                "system": "http://loinc.org",
                                "code": "4548-4",
                                "display": "Hemoglobin A1c",
                            }
                        ]
                    },
                    "...": "<snipped for brevity>",
                }
            }
        ],
    },
    "user": "123",
}

# "CDS Service Response > HTTP Response": the answer with no decision support
EMPTY_CARDS_EXAMPLE: dict[str, Any] = {"cards": []}

# "CDS Service Response > Example"
CDS_RESPONSE_EXAMPLE: dict[str, Any] = {
    "cards": [
        {
            "uuid": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
            "summary": "Example Card",
            "indicator": "info",
            "detail": "This is an example card.",
            "source": {
                "label": "Static CDS Service Example",
                "url": "https://example.com",
                "icon": "https://example.com/img/icon-100px.png",
            },
            "links": [
                {"label": "Google", "url": "https://google.com", "type": "absolute"},
                {"label": "Github", "url": "https://github.com", "type": "absolute"},
                {
                    "label": "SMART Example App",
                    "url": "https://smart.example.com/launch",
                    "type": "smart",
                    "appContext": '{"session":3456356,"settings":{"module":4235}}',
                },
            ],
        },
        {
            "summary": "Another card",
            "indicator": "warning",
            "source": {"label": "Static CDS Service Example"},
            "overrideReasons": [
                {
                    "code": "reason-code-provided-by-service",
                    "system": "http://example.org/cds-services/fhir/CodeSystem/override-reasons",
                    "display": "Patient refused",
                },
                {
                    "code": "12354",
                    "system": "http://example.org/cds-services/fhir/CodeSystem/override-reasons",
                    "display": "Contraindicated",
                },
            ],
        },
    ]
}

# "Card Attributes > Source": the value of the fragment `{"source": {...}}`
SOURCE_EXAMPLE: dict[str, Any] = {
    "label": "Zika Virus Management",
    "url": "https://example.com/cdc-zika-virus-mgmt",
    "icon": "https://example.com/cdc-zika-virus-mgmt/100.png",
    "topic": {
        "system": "http://example.org/cds-services/fhir/CodeSystem/topics",
        "code": "12345",
        "display": "Mosquito born virus",
    },
}

# "Card Attributes > Suggestion > Action": the create, update and delete examples
CREATE_ACTION_EXAMPLE: dict[str, Any] = {
    "type": "create",
    "description": "Create a prescription for Acetaminophen 250 MG",
    "resource": {
        "resourceType": "MedicationRequest",
        "id": "medrx001",
        "...": "<snipped for brevity>",
    },
}
UPDATE_ACTION_EXAMPLE: dict[str, Any] = {
    "type": "update",
    "description": "Update the order to record the appropriateness score",
    "resource": {
        "resourceType": "ServiceRequest",
        "id": "procedure-request-1",
        "...": "<snipped for brevity>",
    },
}
DELETE_ACTION_EXAMPLE: dict[str, Any] = {
    "type": "delete",
    "description": "Remove the inappropriate order",
    "resourceId": "ServiceRequest/procedure-request-1",
}

# "Card Attributes > Reasons for rejecting a card": the value of `{"overrideReasons": [...]}`
OVERRIDE_REASONS_EXAMPLE: list[dict[str, str]] = [
    {
        "code": "reason-code-provided-by-service",
        "system": "http://example.org/cds-services/fhir/CodeSystem/override-reasons",
        "display": "Patient refused",
    },
    {
        "code": "12354",
        "system": "http://example.org/cds-services/fhir/CodeSystem/override-reasons",
        "display": "Contraindicated",
    },
]

# "System Action". Its action lacks the description that the Action table makes REQUIRED;
# the tests show that this is the example's only fault.
SYSTEM_ACTION_EXAMPLE: dict[str, Any] = {
    "cards": [],
    "systemActions": [
        {
            "type": "update",
            "resource": {
                "resourceType": "ServiceRequest",
                "id": "example-MRI-59879846",
                "...": "<snipped for brevity",
            },
        }
    ],
}

# "Feedback > Suggestion accepted > Example suggestion accepted"
FEEDBACK_ACCEPTED_EXAMPLE: dict[str, Any] = {
    "feedback": [
        {
            "card": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
            "outcome": "accepted",
            "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
            "outcomeTimestamp": "2021-12-11T10:05:31Z",
        }
    ]
}

# "Feedback > Overridden guidance > Example overridden guidance without overrideReason".
# The spec's text carries a `// uuid from card.uuid` comment after "card", which is not JSON;
# the comment is dropped.
FEEDBACK_OVERRIDDEN_EXAMPLE: dict[str, Any] = {
    "feedback": [
        {
            "card": "f6b95768-b1c8-40dc-8385-bf3504b82ffb",
            "outcome": "overridden",
            "outcomeTimestamp": "2020-12-11T00:00:00Z",
        }
    ]
}

# "Feedback > Explicit reject with override reasons > Example overridden guidance with
# overrideReason"
FEEDBACK_OVERRIDE_REASON_EXAMPLE: dict[str, Any] = {
    "feedback": [
        {
            "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
            "outcome": "overridden",
            "overrideReason": {
                "reason": {
                    "code": "d7ecf885",
                    "system": "https://example.com/cds-hooks/override-reason-system",
                },
                "userComment": "A comment entered by the clinician.",
            },
            "outcomeTimestamp": "2020-12-11T00:00:00Z",
        }
    ]
}
