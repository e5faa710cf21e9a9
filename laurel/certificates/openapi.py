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

# Into a wallet: OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow (`wallet.py`).
_OAUTH_ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "OAuth / OID4VCI error code, e.g. invalid_grant, invalid_proof."},
        "error_description": {"type": "string", "description": "Plain ASCII English."},
    },
    "required": ["error"],
}
_METADATA = {"type": "object"}

WALLET_PATHS = {
    "/.well-known/openid-credential-issuer": {
        "get": {
            "operationId": "oid4vci_issuer_metadata",
            "summary": "Credential Issuer Metadata (OID4VCI 1.0)",
            "description": "The credential configuration offered (ldp_vc: the Open Badges 3.0 certificate, "
            "eddsa-rdfc-2022), the endpoints, the key proofs accepted (jwt: Ed25519, EdDSA, ES256) and the holder "
            "binding (did:key, did:jwk).",
            "tags": ["wallet"],
            "responses": {"200": _json(_METADATA, "The metadata.")},
        }
    },
    "/.well-known/oauth-authorization-server": {
        "get": {
            "operationId": "oid4vci_authorization_server_metadata",
            "summary": "Authorization Server Metadata (RFC 8414) for the pre-authorized code grant",
            "tags": ["wallet"],
            "responses": {"200": _json(_METADATA, "The metadata.")},
        }
    },
    "/oid4vci/token": {
        "post": {
            "operationId": "oid4vci_token",
            "summary": "Exchange a pre-authorized code and its PIN for an access token",
            "description": "The code is single use and lives 10 minutes; five wrong PINs lock it. The access token "
            "lives 5 minutes and opens one credential request. 30 a minute per address; at most 4 KB.",
            "tags": ["wallet"],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "grant_type": {
                                    "type": "string",
                                    "enum": ["urn:ietf:params:oauth:grant-type:pre-authorized_code"],
                                },
                                "pre-authorized_code": {"type": "string", "maxLength": 200},
                                "tx_code": {"type": "string", "maxLength": 20},
                            },
                            "required": ["grant_type", "pre-authorized_code"],
                        }
                    }
                },
            },
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "access_token": {"type": "string"},
                            "token_type": {"type": "string", "enum": ["Bearer"]},
                            "expires_in": {"type": "integer"},
                            "c_nonce": {"type": "string"},
                            "c_nonce_expires_in": {"type": "integer"},
                        },
                        "required": ["access_token", "token_type"],
                    },
                    "The access token.",
                ),
                "400": _json(_OAUTH_ERROR, "invalid_request, invalid_grant or unsupported_grant_type."),
                "429": _json(_OAUTH_ERROR, "Too many requests from this address."),
            },
        }
    },
    "/oid4vci/nonce": {
        "post": {
            "operationId": "oid4vci_nonce",
            "summary": "A fresh c_nonce for a key proof (valid 5 minutes)",
            "tags": ["wallet"],
            "responses": {
                "200": _json({"type": "object", "properties": {"c_nonce": {"type": "string"}}}, "The nonce."),
                "429": _json(_OAUTH_ERROR, "Too many requests from this address."),
            },
        }
    },
    "/oid4vci/credential": {
        "post": {
            "operationId": "oid4vci_credential",
            "summary": "Pick up the certificate's credential, bound to the holder's key",
            "description": "Needs the access token and one jwt key proof (typ openid4vci-proof+jwt, aud this site, "
            "nonce a c_nonce, the key in jwk or a did:key/did:jwk kid). Answers the certificate's credential with "
            "credentialSubject.id set to the holder's DID, signed by the association. At most 16 KB, 8 levels deep.",
            "tags": ["wallet"],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "credential_configuration_id": {"type": "string"},
                                "proofs": {
                                    "type": "object",
                                    "properties": {
                                        "jwt": {
                                            "type": "array",
                                            "items": {"type": "string", "maxLength": 4000},
                                            "minItems": 1,
                                            "maxItems": 1,
                                        }
                                    },
                                },
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "credentials": {
                                "type": "array",
                                "items": {"type": "object", "properties": {"credential": {"type": "object"}}},
                            }
                        },
                    },
                    "The credential.",
                ),
                "400": _json(
                    _OAUTH_ERROR,
                    "invalid_credential_request, unknown_credential_configuration, invalid_proof, invalid_nonce or "
                    "credential_request_denied.",
                ),
                "401": _json(_OAUTH_ERROR, "invalid_token: no, an unknown, a spent or an expired access token."),
                "429": _json(_OAUTH_ERROR, "Too many requests from this address."),
            },
        }
    },
    "/credentials/badges/{pk}.png": {
        "get": {
            "operationId": "certificates_badge_image",
            "summary": "An award's badge image (the achievement's image of Open Badges 3.0)",
            "tags": ["credentials"],
            "parameters": [{"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {
                "200": {"description": "The PNG.", "content": {"image/png": {}}},
                "404": {"description": "No such badge."},
            },
        }
    },
}
