// Sign a credential with Digital Bazaar's libraries and fresh did:keys, so that Laurel's verifier can be checked
// against credentials it did not make. Nothing is fetched from the network.
//
//   node tests/interop/sign.mjs INPUT.json
//
// INPUT.json: {
//   "credential": {...},                 the unsigned credential; its issuer is replaced by the first did:key
//   "suites": ["eddsa-rdfc-2022"],       optional: one proof per entry, in order (a proof set), each with a new
//                                        key: "eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019-P-256" or
//                                        "ecdsa-rdfc-2019-P-384"; the first key is the issuer's
//   "contexts": {"<url>": "<file>"}      contexts no library here ships (Laurel's bundled Open Badges context)
// }
// Prints the signed credential and exits 0, or prints an error and exits 2.
import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {createSignCryptosuite as eddsaJcs2022} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import jsonld from 'jsonld';

import {makeDocumentLoader} from './loader.mjs';

// A key pair named as its did:key's verification method (did:key:<multibase>#<multibase>).
async function didKeyPair(suite) {
  let keyPair;
  if(suite.startsWith('ecdsa-rdfc-2019-')) {
    keyPair = await EcdsaMultikey.generate({curve: suite.slice('ecdsa-rdfc-2019-'.length)});
  } else {
    keyPair = await Ed25519Multikey.generate({seed: randomBytes(32)});
  }
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.controller = did;
  keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
  return {did, keyPair};
}

function cryptosuite(suite) {
  if(suite === 'eddsa-rdfc-2022') {
    return eddsaRdfc2022;
  }
  if(suite === 'eddsa-jcs-2022') {
    return eddsaJcs2022();
  }
  if(suite === 'ecdsa-rdfc-2019-P-256' || suite === 'ecdsa-rdfc-2019-P-384') {
    return ecdsaRdfc2019;
  }
  throw new Error(`unknown suite ${suite}`);
}

async function main() {
  const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const suites = input.suites ?? ['eddsa-rdfc-2022'];
  const documentLoader = makeDocumentLoader({contexts: input.contexts});
  jsonld.documentLoader = documentLoader;
  let credential = structuredClone(input.credential);
  for(const [index, name] of suites.entries()) {
    const {did, keyPair} = await didKeyPair(name);
    if(index === 0) {
      if(credential.issuer && typeof credential.issuer === 'object') {
        credential.issuer.id = did;
      } else {
        credential.issuer = did;
      }
    }
    const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: cryptosuite(name)});
    // vc.issue adds the proof to those the credential already carries (a proof set).
    credential = await vc.issue({credential, suite, documentLoader});
  }
  process.stdout.write(JSON.stringify(credential));
  process.stdout.write('\n');
}

try {
  await main();
} catch(error) {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(2);
}
