// The vault page's shared objects, as the modules see them (JSDoc: tsconfig.json):
// app.js builds the helpers (`ctx`) every consent module gets; consent-person.js adds
// the person's shared ones (`P`). Loose where a module only passes a value along;
// a field another module adds later goes here too.
import type { AccountKeys, CoffreCrypto, DocumentMeta } from "../coffre-crypto.js";
import type { RequestOptions } from "../http.js";
import type { createTrust } from "../trust.js";
import type { Sodium } from "./vendor";

/** The page's strings, in the person's language (web/strings.py, through gettext). */
export type Strings = Record<string, string>;

/** The page's settings (`#coffre-config`, web/pages/app.py). */
export interface PageConfig {
  /** URLs of the vendored libraries, loaded on demand. */
  sodium: string;
  qrcode: string;
  pdflib: string;
  fflate: string;
  /** pdf.js (pdf-view.js): its module, its worker, and one file of each directory it
   * fetches from on demand (WebAssembly decoders, standard fonts). */
  pdfjs: string;
  pdfjsWorker: string;
  pdfjsWasm: string;
  pdfjsFonts: string;
  /** The territory's root fingerprint as the server shows it (compared once by the person). */
  rootFingerprint: string;
  idleSeconds: number;
  maxDocumentBytes: number;
  /** No progress for this long ends a transfer (COFFRE_WEB_STALL_SECONDS, transfer.js). */
  stallSeconds?: number;
  [setting: string]: unknown;
}

/** A document of the vault, its key opened (app.js `loadDocuments`). */
export interface VaultDocument {
  id: string;
  category: string;
  createdAt: string;
  expiresOn: string | null;
  size: number;
  ciphertextSha256: string;
  /** {envelope, depositor} of a deposit (checked when opened: person-deposits.js). */
  deposit: { envelope: Record<string, any>; depositor: Record<string, any> } | null;
  docKey: Uint8Array;
  meta: DocumentMeta;
  /** Format v2 (documents-v2.js): 1 or 2, the bound version (null while unbound). */
  format?: number;
  version?: number | null;
  /** The binding or v2 deposit envelope, as the JSON text signed; null while unbound. */
  binding?: string | null;
  /** base64url of the key that signed `binding` (the owner's, or the depositor's). */
  bindingSigner?: string | null;
  /** The sealed key and metadata blob as listed, for SPEC §24.4. */
  sealedKey?: Uint8Array;
  metadataBlob?: Uint8Array;
  [field: string]: unknown;
}

/** app.js `state`: the session in memory (wiped at log-out). */
export interface PageState {
  keys: AccountKeys | null;
  login: string | null;
  documents: VaultDocument[];
  current: VaultDocument | null;
  objectUrls: string[];
  accountId: string | null;
  kind: string | null;
  [field: string]: any;
}

/** The helpers app.js gives every consent module. */
export interface PageHelpers {
  S: Strings;
  CONFIG: PageConfig;
  C: CoffreCrypto;
  sodium: Sodium;
  state: PageState;
  api(method: string, path: string, options?: RequestOptions): Promise<Response>;
  show(name: string, options?: { push?: boolean; status?: string; [option: string]: unknown }): void;
  setStatus(text?: string): void;
  showError(id: string, text: string): void;
  busy(form: HTMLElement, on: boolean): void;
  loadScript(url: string): Promise<unknown>;
  categoryLabel(code: string): string;
  loadDocuments(): Promise<void>;
  showDocuments(status?: string): Promise<void>;
  home(status?: string): Promise<void>;
  openDocument(id: string): Promise<void>;
  startAdd(target: unknown): unknown;
}

/** The person's consent modules' `P`: the helpers plus what consent-person.js shares. */
export interface PersonHelpers extends PageHelpers {
  trust: ReturnType<typeof createTrust>;
  history: { sentence(item: Record<string, any>): string; [member: string]: any };
  documentById(id: string): VaultDocument | null;
  docTitle(doc: VaultDocument): string;
  refreshDocuments(): Promise<void>;
  [member: string]: any;
}
