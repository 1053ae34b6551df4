// The ARM side of the fake: the resources a login can name (VMs, scale sets, user-assigned
// identities, any other resource with a managed identity) and the resource providers that say
// which api-versions a resource type has. Plain data; arm-json.ts renders it as ARM does.
import type { FederatedCredential } from "./graph-store.js";
import { armResourceId, guid, parseResourceId, resourceKey } from "./ids.js";

export interface SystemIdentity {
  /** Object id of the identity's service principal: the token's `oid`. */
  principalId: string;
  /** Application (client) id of the identity: the token's `appid`. */
  clientId: string;
}

export interface UserAssignedIdentity {
  kind: "userAssignedIdentity";
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  principalId: string;
  clientId: string;
  /** Trust for workload-identity federation (e.g. an AKS service account) into this identity. */
  federatedCredentials: FederatedCredential[];
}

interface IdentityHolder {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  systemAssigned: SystemIdentity | undefined;
  userAssigned: UserAssignedIdentity[];
}

export interface VirtualMachine extends IdentityHolder {
  kind: "vm";
  vmId: string;
  /** Set for a VM of a flexible scale set (named `<vmss>_<suffix>`). */
  scaleSet: VirtualMachineScaleSet | undefined;
}

export interface VirtualMachineScaleSet extends IdentityHolder {
  kind: "vmss";
  orchestrationMode: "Uniform" | "Flexible";
}

/** Any other ARM resource with a managed identity, e.g. `Microsoft.Web/sites`. */
export interface GenericResource extends IdentityHolder {
  kind: "resource";
  /** `<namespace>/<type>`, e.g. `Microsoft.Web/sites`. */
  type: string;
  resourceKind: string | undefined;
  properties: Record<string, unknown>;
}

export type IdentitySource = VirtualMachine | VirtualMachineScaleSet | GenericResource;
export type ArmResource = IdentitySource | UserAssignedIdentity;

export interface ProviderResourceType {
  resourceType: string;
  /** Newest first, as ARM lists them; preview versions included. */
  apiVersions: string[];
  locations: string[];
}

interface Placement {
  subscriptionId?: string;
  resourceGroup?: string;
  location?: string;
}

export interface AddVmOptions extends Placement {
  name: string;
  /** A system-assigned identity: true (fresh ids), ids to use, or false. Default: true unless userAssigned is given. */
  systemAssigned?: boolean | Partial<SystemIdentity>;
  userAssigned?: UserAssignedIdentity[];
}

export interface AddVmssOptions extends AddVmOptions {
  orchestrationMode?: "Uniform" | "Flexible";
}

export interface AddResourceOptions extends AddVmOptions {
  /** `<namespace>/<type>`, e.g. `Microsoft.Web/sites`. */
  type: string;
  kind?: string;
  properties?: Record<string, unknown>;
}

export interface FixtureDefaults {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
}

const builtInProviders: Record<string, ProviderResourceType[]> = {
  "Microsoft.Compute": [
    { resourceType: "virtualMachines", apiVersions: ["2024-07-01", "2022-11-01"], locations: [] },
    { resourceType: "virtualMachineScaleSets", apiVersions: ["2024-07-01", "2022-11-01"], locations: [] },
  ],
  "Microsoft.ManagedIdentity": [
    { resourceType: "userAssignedIdentities", apiVersions: ["2025-01-31-preview", "2024-11-30", "2023-01-31"], locations: [] },
  ],
  // A preview version first, so a test sees the plugin skip it.
  "Microsoft.Web": [{ resourceType: "sites", apiVersions: ["2024-11-01-preview", "2024-04-01", "2023-12-01"], locations: [] }],
};

export class ArmFixtures {
  private readonly resources = new Map<string, ArmResource>();
  private readonly groups = new Set<string>();
  private readonly subscriptions = new Set<string>();
  private readonly providers = new Map<string, { namespace: string; types: ProviderResourceType[] }>();
  /** Page size of list calls; a small value makes the plugin follow `nextLink`. */
  listPageSize = 100;

  constructor(
    readonly defaults: FixtureDefaults,
    readonly tenantId: string,
  ) {
    this.addResourceGroup(defaults.resourceGroup, defaults.subscriptionId);
    for (const [ns, types] of Object.entries(builtInProviders)) this.setProvider(ns, types);
  }

  addResourceGroup(name: string, subscriptionId = this.defaults.subscriptionId): void {
    this.subscriptions.add(subscriptionId.toLowerCase());
    this.groups.add(`${subscriptionId}/${name}`.toLowerCase());
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.subscriptions.has(subscriptionId.toLowerCase());
  }

  hasResourceGroup(subscriptionId: string, name: string): boolean {
    return this.groups.has(`${subscriptionId}/${name}`.toLowerCase());
  }

  addUserAssignedIdentity(opts: Placement & { name: string; principalId?: string; clientId?: string; federatedCredentials?: FederatedCredential[] }): UserAssignedIdentity {
    const p = this.place(opts);
    const uai: UserAssignedIdentity = {
      kind: "userAssignedIdentity",
      id: armResourceId(p.subscriptionId, p.resourceGroup, "Microsoft.ManagedIdentity/userAssignedIdentities", opts.name),
      ...p,
      name: opts.name,
      principalId: opts.principalId ?? guid(),
      clientId: opts.clientId ?? guid(),
      federatedCredentials: opts.federatedCredentials ?? [],
    };
    return this.store(uai);
  }

  addVm(opts: AddVmOptions): VirtualMachine {
    const p = this.place(opts);
    const vm: VirtualMachine = {
      kind: "vm",
      id: armResourceId(p.subscriptionId, p.resourceGroup, "Microsoft.Compute/virtualMachines", opts.name),
      ...p,
      name: opts.name,
      vmId: guid(),
      systemAssigned: systemIdentity(opts),
      userAssigned: opts.userAssigned ?? [],
      scaleSet: undefined,
    };
    return this.store(vm);
  }

  addVmss(opts: AddVmssOptions): VirtualMachineScaleSet {
    const p = this.place(opts);
    const vmss: VirtualMachineScaleSet = {
      kind: "vmss",
      id: armResourceId(p.subscriptionId, p.resourceGroup, "Microsoft.Compute/virtualMachineScaleSets", opts.name),
      ...p,
      name: opts.name,
      orchestrationMode: opts.orchestrationMode ?? "Uniform",
      systemAssigned: systemIdentity(opts),
      userAssigned: opts.userAssigned ?? [],
    };
    return this.store(vmss);
  }

  /**
   * A VM of a flexible scale set: its own VM resource named `<vmss>_<suffix>` that refers to the
   * scale set and carries the scale set's user-assigned identities (and its own system identity
   * when the scale set has one).
   */
  addFlexibleVm(vmss: VirtualMachineScaleSet, suffix = guid().slice(0, 8)): VirtualMachine {
    if (vmss.orchestrationMode !== "Flexible") throw new Error("azure-fake: addFlexibleVm needs a Flexible scale set");
    const vm = this.addVm({
      name: `${vmss.name}_${suffix}`,
      subscriptionId: vmss.subscriptionId,
      resourceGroup: vmss.resourceGroup,
      location: vmss.location,
      systemAssigned: vmss.systemAssigned !== undefined,
      userAssigned: vmss.userAssigned,
    });
    vm.scaleSet = vmss;
    return vm;
  }

  addResource(opts: AddResourceOptions): GenericResource {
    const p = this.place(opts);
    const res: GenericResource = {
      kind: "resource",
      id: armResourceId(p.subscriptionId, p.resourceGroup, opts.type, opts.name),
      ...p,
      name: opts.name,
      type: opts.type,
      resourceKind: opts.kind,
      properties: opts.properties ?? {},
      systemAssigned: systemIdentity(opts),
      userAssigned: opts.userAssigned ?? [],
    };
    return this.store(res);
  }

  remove(id: string): void {
    this.resources.delete(resourceKey(id));
  }

  get(id: string): ArmResource | undefined {
    return this.resources.get(resourceKey(id));
  }

  identityByClientId(clientId: string): UserAssignedIdentity | undefined {
    for (const r of this.resources.values()) {
      if (r.kind === "userAssignedIdentity" && r.clientId.toLowerCase() === clientId.toLowerCase()) return r;
    }
    return undefined;
  }

  /** User-assigned identities of one resource group, in insertion order. */
  identitiesIn(subscriptionId: string, resourceGroup: string): UserAssignedIdentity[] {
    const out: UserAssignedIdentity[] = [];
    for (const r of this.resources.values()) {
      if (r.kind !== "userAssignedIdentity") continue;
      if (r.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() && r.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()) out.push(r);
    }
    return out;
  }

  /** Sets (replaces) a provider namespace's resource types, e.g. to change api-versions. */
  setProvider(namespace: string, types: ProviderResourceType[]): void {
    this.providers.set(namespace.toLowerCase(), { namespace, types: types.map((t) => ({ ...t })) });
  }

  provider(namespace: string): { namespace: string; types: ProviderResourceType[] } | undefined {
    return this.providers.get(namespace.toLowerCase());
  }

  private place(opts: Placement): FixtureDefaults {
    const placed = {
      subscriptionId: opts.subscriptionId ?? this.defaults.subscriptionId,
      resourceGroup: opts.resourceGroup ?? this.defaults.resourceGroup,
      location: opts.location ?? this.defaults.location,
    };
    this.addResourceGroup(placed.resourceGroup, placed.subscriptionId);
    return placed;
  }

  private store<T extends ArmResource>(r: T): T {
    if (parseResourceId(r.id) === undefined) throw new Error(`azure-fake: not a resource id: ${r.id}`);
    this.resources.set(resourceKey(r.id), r);
    return r;
  }
}

function systemIdentity(opts: AddVmOptions): SystemIdentity | undefined {
  const wanted = opts.systemAssigned ?? (opts.userAssigned === undefined || opts.userAssigned.length === 0);
  if (wanted === false) return undefined;
  const given = wanted === true ? {} : wanted;
  return { principalId: given.principalId ?? guid(), clientId: given.clientId ?? guid() };
}
