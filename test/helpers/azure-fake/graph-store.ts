// Microsoft Graph's application objects: the app registration the plugin authenticates as, its
// password credentials (client secrets) and federated identity credentials.
import { randomBytes } from "node:crypto";
import { guid } from "./ids.js";

export interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  startDateTime: string;
  endDateTime: string;
  /** First three characters of the secret, as Graph shows them. */
  hint: string;
  /** Kept so the token endpoint can check client_secret; Graph returns it only from addPassword. */
  secretText: string;
}

export interface FederatedCredential {
  issuer: string;
  subject: string;
  audiences: string[];
  /** Where the issuer's keys are; default: the fake's own JWKS (tokens from az.issueFederatedToken). */
  jwksUri?: string;
}

export interface GraphApplication {
  /** Object id (what addPassword/removePassword address). */
  id: string;
  /** Application (client) id. */
  appId: string;
  displayName: string;
  /** Object id of the app's service principal in this tenant: `oid` of its tokens. */
  servicePrincipalId: string;
  passwords: PasswordCredential[];
  federatedCredentials: FederatedCredential[];
}

export interface AddApplicationOptions {
  displayName?: string;
  appId?: string;
  /** Creates one password credential with this secret; `true` generates one. */
  secret?: string | boolean;
  secretEndDateTime?: Date;
  federatedCredentials?: FederatedCredential[];
}

/** A secret in Entra's format: 40 characters, `Q~` at positions 4–5. */
export function newSecretText(): string {
  const raw = randomBytes(30).toString("base64url").replace(/[-_]/g, "x");
  return `${raw.slice(0, 3)}8Q~${raw.slice(3, 37)}`;
}

export class GraphStore {
  private readonly apps = new Map<string, GraphApplication>();

  constructor(private readonly now: () => number) {}

  addApplication(opts: AddApplicationOptions = {}): { app: GraphApplication; secret: string | undefined } {
    const app: GraphApplication = {
      id: guid(),
      appId: opts.appId ?? guid(),
      displayName: opts.displayName ?? "vault-auth",
      servicePrincipalId: guid(),
      passwords: [],
      federatedCredentials: opts.federatedCredentials ?? [],
    };
    this.apps.set(app.id, app);
    let secret: string | undefined;
    if (opts.secret !== undefined && opts.secret !== false) {
      secret = this.addPassword(app, { displayName: "initial", endDateTime: opts.secretEndDateTime, secretText: typeof opts.secret === "string" ? opts.secret : undefined }).secretText;
    }
    return { app, secret };
  }

  byObjectId(id: string): GraphApplication | undefined {
    return this.apps.get(id.toLowerCase());
  }

  byAppId(appId: string): GraphApplication[] {
    return [...this.apps.values()].filter((a) => a.appId.toLowerCase() === appId.toLowerCase());
  }

  all(): GraphApplication[] {
    return [...this.apps.values()];
  }

  addPassword(app: GraphApplication, opts: { displayName?: string | null; endDateTime?: Date; secretText?: string }): PasswordCredential {
    const start = new Date(this.now());
    // Graph's default lifetime for a password credential is two years.
    const end = opts.endDateTime ?? new Date(start.getTime() + 2 * 365 * 24 * 3600 * 1000);
    const secretText = opts.secretText ?? newSecretText();
    const cred: PasswordCredential = {
      keyId: guid(),
      displayName: opts.displayName ?? null,
      startDateTime: start.toISOString(),
      endDateTime: end.toISOString(),
      hint: secretText.slice(0, 3),
      secretText,
    };
    app.passwords.push(cred);
    return cred;
  }

  removePassword(app: GraphApplication, keyId: string): boolean {
    const i = app.passwords.findIndex((p) => p.keyId.toLowerCase() === keyId.toLowerCase());
    if (i < 0) return false;
    app.passwords.splice(i, 1);
    return true;
  }
}
