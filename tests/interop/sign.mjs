// Sign a credential with Digital Bazaar's libraries and a fresh did:key, so that Laurel's verifier can be checked
// against credentials it did not make. Nothing is fetched from the network.
//
//   node tests/interop/sign.mjs INPUT.json
//
// INPUT.json: {
//   "credential": {...},                 the unsigned credential; its issuer is replaced by the new did:key
//   "contexts": {"<url>": "<file>"}      contexts no library here ships (Laurel's bundled Open Badges context)
// }
// Prints the signed credential and exits 0, or prints an error and exits 2.
import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import jsonld from 'jsonld';

import {makeDocumentLoader} from './loader.mjs';

async function main() {
  const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  // One random seed, used twice: first to learn the public key (which names the did:key), then to make the same
  // key pair named as that did:key's verification method (did:key:<multibase>#<multibase>).
  const seed = randomBytes(32);
  const {publicKeyMultibase} = await Ed25519Multikey.generate({seed});
  const did = `did:key:${publicKeyMultibase}`;
  const keyPair = await Ed25519Multikey.generate({seed, controller: did});
  const documentLoader = makeDocumentLoader({contexts: input.contexts});
  jsonld.documentLoader = documentLoader;
  const credential = structuredClone(input.credential);
  if(credential.issuer && typeof credential.issuer === 'object') {
    credential.issuer.id = did;
  } else {
    credential.issuer = did;
  }
  const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022});
  const signed = await vc.issue({credential, suite, documentLoader});
  process.stdout.write(JSON.stringify(signed));
  process.stdout.write('\n');
}

try {
  await main();
} catch(error) {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(2);
}
