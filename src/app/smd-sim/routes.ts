// The SMD routes the test double serves (spec coresmd-dns §3.1–§3.5). Paths are case-sensitive
// and matched after trailing slashes are stripped, like SMD's router; an unknown path is Go's
// plain-text 404 and a known path with the wrong method is a 405 problem with an `allow` header.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimProblem, sendJson, sendMessage, sendProblem } from './problem.ts';
import type { Query, SmdStore } from './store.ts';

export interface RouteContext {
  readonly store: SmdStore;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly query: Query;
  /** The request body parsed as JSON; throws SimProblem 500 like SMD when it is not JSON. */
  body(): unknown;
  /** Path parameter (`{id}`, `{xname}`). */
  readonly param: string;
}

type Handler = (ctx: RouteContext) => void;

interface Route {
  readonly pattern: RegExp;
  readonly methods: Readonly<Record<string, Handler>>;
}

const EI = '/hsm/v2/Inventory/EthernetInterfaces';
const SC = '/hsm/v2/State/Components';

// SMD's resource base (s.compEthIntBaseV2): Location and URI never include a gateway prefix.
const uriOf = (id: string) => `${EI}/${id}`;

export const ROUTES: readonly Route[] = [
  {
    pattern: /^\/hsm\/v2\/service\/ready$/,
    methods: { GET: ({ res }) => sendMessage(res, 200, 'HSM is healthy') },
  },
  {
    pattern: /^\/hsm\/v2\/service\/liveness$/,
    methods: { GET: ({ res }) => sendMessage(res, 204, '') },
  },
  {
    pattern: /^\/hsm\/v2\/Inventory\/EthernetInterfaces$/,
    methods: {
      GET: ({ store, res, query }) => sendJson(res, 200, store.listInterfaces(query)),
      POST: ({ store, res, body }) => {
        const created = store.createInterface(body());
        sendJson(res, 201, { URI: uriOf(created.ID) }, { Location: uriOf(created.ID) });
      },
      DELETE: ({ store, res }) => sendMessage(res, 200, `deleted ${store.deleteAllInterfaces()} entries`),
    },
  },
  {
    pattern: /^\/hsm\/v2\/Inventory\/EthernetInterfaces\/([^/]+)$/,
    methods: {
      GET: ({ store, res, param }) => sendJson(res, 200, store.getInterface(param)),
      PATCH: ({ store, res, param, body }) => sendJson(res, 200, store.patchInterface(param, body())),
      DELETE: ({ store, res, param }) => {
        store.deleteInterface(param);
        sendMessage(res, 200, 'deleted 1 entry');
      },
    },
  },
  {
    pattern: /^\/hsm\/v2\/State\/Components$/,
    methods: {
      GET: ({ store, res, query }) => sendJson(res, 200, { Components: store.listComponents(query) }),
      POST: ({ store, res, body }) => {
        store.upsertComponents(body());
        sendMessage(res, 204, 'operation completed');
      },
      DELETE: ({ store, res }) => sendMessage(res, 200, `deleted ${store.deleteAllComponents()} entries`),
    },
  },
  {
    pattern: /^\/hsm\/v2\/State\/Components\/([^/]+)$/,
    methods: {
      GET: ({ store, res, param }) => sendJson(res, 200, store.getComponent(param)),
      DELETE: ({ store, res, param }) => {
        store.deleteComponent(param);
        sendMessage(res, 200, 'deleted 1 entry');
      },
    },
  },
  {
    pattern: /^\/hsm\/v2\/State\/Components\/([^/]+)\/NID$/,
    methods: {
      PATCH: ({ store, res, param, body }) => {
        store.patchComponentNid(param, body());
        sendMessage(res, 204, '');
      },
    },
  },
  {
    pattern: /^\/hsm\/v2\/State\/Components\/([^/]+)\/Enabled$/,
    methods: {
      PATCH: ({ store, res, param, body }) => {
        store.patchComponentEnabled(param, body());
        sendMessage(res, 204, '');
      },
    },
  },
  {
    pattern: /^\/hsm\/v2\/State\/Components\/([^/]+)\/StateData$/,
    methods: {
      PATCH: ({ store, res, param, body }) => {
        store.patchComponentState(param, body());
        sendMessage(res, 204, '');
      },
    },
  },
];

export const SMD_PATHS = { ethernetInterfaces: EI, components: SC } as const;

/** Finds the route for `path`: the handler, a 405 with its allowed methods, or undefined (404). */
export function matchRoute(
  path: string,
  method: string,
): { handler: Handler; param: string } | { allow: string } | undefined {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m === null) continue;
    const handler = route.methods[method];
    if (handler === undefined) return { allow: Object.keys(route.methods).join(', ') };
    return { handler, param: decodeURIComponent(m[1] ?? '') };
  }
  return undefined;
}

/** Runs a handler, turning SimProblem into SMD's problem body. */
export function runHandler(handler: Handler, ctx: RouteContext): void {
  try {
    handler(ctx);
  } catch (err) {
    if (!(err instanceof SimProblem)) throw err;
    sendProblem(ctx.res, err.status, err.message);
  }
}
