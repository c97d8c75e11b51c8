// @ts-check
// The professional's network screens put together (issue 16): "Personnes suivies"
// (pro-followed.js), naming a successor (pro-handover.js), orienting a person from a
// directory service (pro-orient.js) and the relays (pro-relays.js), with the liaison
// notes' keys (pro-relay-notes.js). consent-pro.js merges what this returns into its
// screens, like its other parts; the profile and the charter are fetched once here.
import { createProDirectoryVerify } from "./pro-directory-verify.js";
import { createProFollowed } from "./pro-followed.js";
import { createProHandover } from "./pro-handover.js";
import { createProOrient } from "./pro-orient.js";
import { createProRelays } from "./pro-relays.js";
import { createRelayNotes } from "./pro-relay-notes.js";

/**
 * @param {import("./types/page").PageHelpers} ctx
 * @param {{rootPin: () => string, pull: (grant: any, doc: any) => unknown, name: (grant: any, doc: any) => string}} hooks
 */
export function createProNetwork(ctx, hooks) {
  const { api, state } = ctx;
  /** @type {Promise<any> | null} */
  let profile = null; // my keys' body: structure_id, profession (GET /professionals/{me}/keys)
  /** @type {Promise<any> | null} */
  let charter = null;

  const shared = {
    profile() {
      profile ||= api("GET", `/professionals/${state.accountId}/keys`).then((r) => r.json());
      profile.catch(() => (profile = null));
      return profile;
    },
    charter() {
      charter ||= api("GET", "/charters/current").then((r) => r.json());
      charter.catch(() => (charter = null));
      return charter;
    },
    async purposes() {
      try {
        const current = await shared.charter();
        return new Map(current.purposes.map((/** @type {any} */ p) => [p.code, p.label]));
      } catch {
        return new Map(); // without a charter in force, purposes are named by their code
      }
    },
  };

  const notes = createRelayNotes(ctx, { rootPin: hooks.rootPin });
  const relays = createProRelays(ctx, {
    notes,
    profile: shared.profile,
    purposes: shared.purposes,
    pull: hooks.pull,
    name: hooks.name,
    sharedWithMe: async () => (await (await api("GET", "/shared-with-me")).json()).grants,
  });
  const followed = createProFollowed(ctx, { openRelay: relays.openRelay, profile: shared.profile, purposes: shared.purposes });
  const handover = createProHandover(ctx, {
    profile: shared.profile,
    persons: followed.persons,
    done: (/** @type {string} */ status) => followed.enter.followed(status),
  });
  const orient = createProOrient(ctx, {
    notes,
    charter: shared.charter,
    done: (/** @type {string} */ status) => relays.enter["pro-relays"](status),
  });
  // The directory's entries a structure admin should confirm (pro-directory-verify.js).
  const directory = createProDirectoryVerify(ctx, { profile: shared.profile });
  const parts = [followed, handover, orient, relays, directory];

  return {
    screens: parts.flatMap((p) => p.screens),
    enter: Object.assign({}, ...parts.map((p) => p.enter)),
    actions: {},
    /** The menu's counts: relays waiting for my structure, directory entries to check. */
    refreshCount() {
      relays.refreshCount();
      directory.refreshCount();
    },
    /** After the vault opens: the orient screen the guide's link asked for, if any. */
    fromGuide: orient.fromGuide,
    wipe() {
      for (const part of parts) part.wipe();
      notes.wipe();
      profile = null;
      charter = null;
    },
  };
}
