"""The VC API's three endpoints in the site's OpenAPI schema (they are plain views, not ninja operations, because
the W3C VC API fixes their paths and bodies)."""

_PROBLEM = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "A stable machine-readable reason."},
        "check": {"type": "string", "enum": ["request", "proof", "validity_period", "status"]},
        "detail": {"type": "string", "description": "The reason in words, in the request's language."},
        "term": {"type": "string", "description": "What the reason is about: the option, term, context or id."},
        "limit": {"type": "integer", "description": "The value of the limit exceeded."},
    },
    "required": ["code", "detail"],
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}}
_STAFF = [{"TokenAuth": []}]
_AUTH_RESPONSES = {
    "401": _json(_DETAIL, "No staff API token was sent."),
    "403": _json(_DETAIL, "The token's owner is not association staff."),
}
_VERIFY_RESULT = {
    "type": "object",
    "properties": {
        "verified": {"type": "boolean"},
        "checks": {"type": "array", "items": {"type": "string", "enum": ["proof", "validity_period", "status"]}},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "errors": {"type": "array", "items": {"type": "string"}},
        "problems": {"type": "array", "items": _PROBLEM},
        "proofs": {
            "type": "array",
            "description": "Each proof of the credential (a proof set or chain) and what its check found.",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "cryptosuite": {"type": "string"},
                    "verificationMethod": {"type": "string"},
                    "verified": {"type": "boolean"},
                    "error": {"type": "string"},
                },
            },
        },
    },
    "required": ["verified", "checks", "warnings", "errors"],
}

PATHS = {
    "/credentials/issue": {
        "post": {
            "operationId": "vc_api_issue_credential",
            "summary": "Issue a credential (W3C VC API)",
            "description": (
                "Signs a VC 2.0 credential as this site (eddsa-rdfc-2022), adds a status entry in the site's status "
                "list and stores it, so that /credentials/status can revoke it. Honours the options credentialId "
                "and created; any other option is refused by name. At most 256 KB."
            ),
            "tags": ["credentials"],
            "security": _STAFF,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "credential": {"type": "object"},
                                "options": {
                                    "type": "object",
                                    "properties": {
                                        "credentialId": {"type": "string", "maxLength": 500},
                                        "created": {"type": "string", "format": "date-time"},
                                    },
                                    "additionalProperties": False,
                                },
                            },
                            "required": ["credential"],
                        }
                    }
                },
            },
            "responses": {
                "201": _json(
                    {"type": "object", "properties": {"verifiableCredential": {"type": "object"}}},
                    "The signed credential.",
                ),
                "400": _json(_PROBLEM, "Refused: the problem names the option, term or limit."),
                **_AUTH_RESPONSES,
            },
        }
    },
    "/credentials/verify": {
        "post": {
            "operationId": "vc_api_verify_credential",
            "summary": "Verify a credential (W3C VC API)",
            "description": (
                "Checks every proof (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 with P-256 or P-384), the "
                "issuer's key (did:key, did:web), the validity period (VC 1.1 and 2.0) and the status list. "
                "60 a minute per address; at most 256 KB."
            ),
            "tags": ["credentials"],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"verifiableCredential": {"type": "object"}, "options": {"type": "object"}},
                            "required": ["verifiableCredential"],
                        }
                    }
                },
            },
            "responses": {
                "200": _json(_VERIFY_RESULT, "Verified."),
                "400": _json(_VERIFY_RESULT, "Not verified, or refused unchecked; `problems` say why."),
                "429": _json(_VERIFY_RESULT, "Too many verifications from this address."),
            },
        }
    },
    "/credentials/status": {
        "post": {
            "operationId": "vc_api_update_status",
            "summary": "Revoke a credential (W3C VC API, update status)",
            "description": (
                "Revokes a credential issued here, through the API or as a certificate, by its id. A revocation "
                "is final; the status list is re-signed at once."
            ),
            "tags": ["credentials"],
            "security": _STAFF,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "credentialId": {"type": "string"},
                                "credentialStatus": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": 1,
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "type": {"type": "string", "enum": ["BitstringStatusListCredential"]},
                                            "status": {"type": "string", "enum": ["revoked"]},
                                        },
                                        "required": ["status"],
                                    },
                                },
                            },
                            "required": ["credentialId", "credentialStatus"],
                        }
                    }
                },
            },
            "responses": {
                "200": _json({"type": "object"}, "Revoked."),
                "400": _json(_PROBLEM, "The request is not a revocation this site makes."),
                **_AUTH_RESPONSES,
                "404": _json(_PROBLEM, "No credential issued here has this id."),
                "409": _json(_PROBLEM, "Already revoked."),
            },
        }
    },
}
