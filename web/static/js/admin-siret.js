// @ts-check
// A SIRET as the territory admin types it: 14 digits whose Luhn key checks, La Poste's
// establishments (SIREN 356 000 000) by the sum of their digits (a multiple of 5)
// instead. The same rule as coffre/structures/siret.py (the server refuses the rest:
// invalid_siret), on the same vectors: tests/admin/siret_cases.json, read by
// tests/admin/test_siret.py and web/tests-js/siret.test.mjs.

export const LA_POSTE_SIREN = "356000000";

/** The 14 digits, without the spaces and dots people type. @param {string} value */
export function normaliseSiret(value) {
  return value.replace(/[\s.\u00a0\u202f]/g, "");
}

/** @param {string} digits */
export function luhnOk(digits) {
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    total += digit;
  }
  return total % 10 === 0;
}

/**
 * null for a valid SIRET; "format" (not 14 digits) or "key" (a digit is wrong).
 * @param {string} value
 * @returns {"format" | "key" | null}
 */
export function siretProblem(value) {
  const digits = normaliseSiret(value);
  if (!/^[0-9]{14}$/.test(digits)) return "format";
  if (digits.startsWith(LA_POSTE_SIREN)) {
    const sum = [...digits].reduce((acc, c) => acc + Number(c), 0);
    return sum % 5 === 0 || luhnOk(digits) ? null : "key";
  }
  return luhnOk(digits) ? null : "key";
}
