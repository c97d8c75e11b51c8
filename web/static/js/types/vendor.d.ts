// Types of the vendored libraries, from their npm packages (the same versions:
// package-lock.json, scripts/install-js). Imported from JSDoc:
//     /** @param {import("./types/vendor").Sodium} sodium */
import type sodiumDefault from "libsodium-wrappers-sumo";
import type { StateAddress as SodiumStateAddress } from "libsodium-wrappers-sumo";

/** The `sodium` object of libsodium-wrappers-sumo (after `await sodium.ready`). */
export type Sodium = typeof sodiumDefault;
/** A libsodium incremental state (SHA-256, secretstream). */
export type StateAddress = SodiumStateAddress;
/** The fflate ES module (web/static/vendor/fflate-<v>.mjs, imported on demand). */
export type Fflate = typeof import("fflate");
/** pdf-lib (`window.PDFLib` in the page, the package in Node). */
export type PDFLib = typeof import("pdf-lib");
