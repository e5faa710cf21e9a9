// The document loader shared by verify.mjs and sign.mjs: every document comes from this machine, never the network.
import {readFileSync} from 'node:fs';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import * as statusListContext from '@digitalbazaar/vc-bitstring-status-list-context';
import didContext from 'did-context';

// The libraries' own copies of the standard contexts win over any file given in the input: a context Laurel
// bundled differently from the published one then makes verification fail instead of agreeing with Laurel.
export const SHIPPED_CONTEXTS = new Map([
  ...credentialsContext.contexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...didContext.contexts,
  ...statusListContext.contexts,
]);

export function makeDocumentLoader({didDocument, statusListCredential, contexts = {}}) {
  const documents = new Map();
  for(const [url, file] of Object.entries(contexts)) {
    documents.set(url, JSON.parse(readFileSync(file, 'utf8')));
  }
  for(const [url, context] of SHIPPED_CONTEXTS) {
    documents.set(url, context);
  }
  if(didDocument) {
    documents.set(didDocument.id, didDocument);
    // A verification method is served the way a DID resolver dereferences a DID URL: the method itself, in the
    // DID document's context.
    for(const method of didDocument.verificationMethod ?? []) {
      documents.set(method.id, {'@context': didDocument['@context'], ...method});
    }
  }
  if(statusListCredential) {
    documents.set(statusListCredential.id, statusListCredential);
  }
  return async url => {
    if(!documents.has(url)) {
      throw new Error(`${url} is not available on this machine (the verifier never fetches)`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(documents.get(url))};
  };
}
