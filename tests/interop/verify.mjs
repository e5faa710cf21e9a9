// Verify one of Laurel's credentials with Digital Bazaar's libraries, the reference implementation of the W3C
// interop suites, and no code of Laurel's. Nothing is fetched from the network: every document comes from this
// machine (see `documentLoader`).
//
//   node tests/interop/verify.mjs INPUT.json
//
// INPUT.json: {
//   "credential": {...},                 the signed credential
//   "didDocument": {...},                the issuer's DID document, as Laurel serves it at /.well-known/did.json
//   "statusListCredential": {...},       optional: the status list credential its credentialStatus points to
//   "contexts": {"<url>": "<file>"},     contexts no library here ships (Laurel's bundled Open Badges context)
//   "now": "2026-05-30T00:00:00Z"        optional: the time to check validFrom/validUntil against
// }
// Prints {"verified": bool, "proofVerified": bool, "revoked": bool|null, "errors": [...]} and exits 0 when the
// credential verified (proof, issuer's key, validity period, status list) and is not revoked, 1 otherwise, 2 on
// bad input. "revoked" is null when no status list was given or it did not verify.
import {readFileSync} from 'node:fs';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createVerifyCryptosuite as eddsaJcs2022} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import jsonld from 'jsonld';

import {makeDocumentLoader} from './loader.mjs';

function fail(message) {
  process.stdout.write(JSON.stringify({verified: false, proofVerified: false, revoked: null, errors: [message]}));
  process.stdout.write('\n');
  process.exit(2);
}

function readInput(path) {
  if(!path) {
    fail('usage: node verify.mjs INPUT.json');
  }
  let input;
  try {
    input = JSON.parse(readFileSync(path, 'utf8'));
  } catch(error) {
    fail(`cannot read ${path}: ${error.message}`);
  }
  if(!input?.credential || !input?.didDocument) {
    fail('the input needs "credential" and "didDocument"');
  }
  return input;
}

function messages(error) {
  if(!error) {
    return [];
  }
  // jsonld.js keeps the loader's error in `details.cause`.
  const nested = [error.errors, error.cause, error.details?.cause].flat().filter(Boolean).flatMap(messages);
  return [error.message ?? String(error), ...nested];
}

async function main() {
  const input = readInput(process.argv[2]);
  const documentLoader = makeDocumentLoader(input);
  // Also jsonld.js's default loader, so no code path can reach the network.
  jsonld.documentLoader = documentLoader;
  // Every suite Laurel verifies; each proof is checked by the one its `cryptosuite` names.
  const suite = [eddsaRdfc2022, eddsaJcs2022(), ecdsaRdfc2019].map(cryptosuite => new DataIntegrityProof({cryptosuite}));
  const options = {credential: input.credential, suite, documentLoader};
  if(input.now) {
    options.now = new Date(input.now);
  }
  if(input.statusListCredential) {
    options.checkStatus = checkStatus;
  }
  let result;
  try {
    result = await vc.verifyCredential(options);
  } catch(error) {
    result = {verified: false, error};
  }
  const errors = [
    ...messages(result.error),
    ...(result.results ?? []).flatMap(proofResult => messages(proofResult.error)),
    ...messages(result.statusResult?.error),
  ];
  // null: no status list given, or it could not be read or verified.
  const statuses = result.statusResult?.verified ? result.statusResult.results : null;
  const revoked = statuses ? statuses.some(status => status.status === true) : null;
  if(revoked) {
    errors.push('revoked');
  }
  const proofVerified = (result.results ?? []).length > 0 && result.results.every(proof => proof.verified);
  const verified = result.verified === true && !revoked;
  process.stdout.write(JSON.stringify({verified, proofVerified, revoked, errors: [...new Set(errors)]}));
  process.stdout.write('\n');
  process.exit(verified ? 0 : 1);
}

await main();
