"""Verifiable credentials without Django: Ed25519 Multikeys, did:key, Data Integrity `eddsa-rdfc-2022`
proofs over JSON-LD canonicalized with bundled contexts, and Bitstring Status Lists."""
