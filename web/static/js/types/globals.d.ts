// The page's globals that TypeScript cannot see (tsconfig.json): the classic scripts
// loaded on demand from web/static/vendor/ (scripts/install-js) set `window.qrcode`
// and `window.PDFLib`; their types come from the same npm packages.
import type * as PDFLibModule from "pdf-lib";
import type qrcodeGenerator from "qrcode-generator";

declare global {
  interface Window {
    /** qrcode-generator, once its script has loaded (app.js `loadScript(CONFIG.qrcode)`). */
    qrcode?: typeof qrcodeGenerator;
    /** pdf-lib, once its script has loaded (`loadScript(CONFIG.pdflib)`). */
    PDFLib: typeof PDFLibModule;
  }
}

export {};
