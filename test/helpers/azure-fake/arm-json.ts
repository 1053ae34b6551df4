// ARM's JSON for the fixtures, in the shapes the Go SDK (armcompute, armmsi, armresources) reads.
import type { ArmResource, IdentitySource, UserAssignedIdentity } from "./fixtures.js";

function identityJson(r: IdentitySource, tenantId: string): Record<string, unknown> | undefined {
  const sys = r.systemAssigned;
  const users = r.userAssigned;
  if (sys === undefined && users.length === 0) return undefined;
  const type = [sys !== undefined ? "SystemAssigned" : "", users.length > 0 ? "UserAssigned" : ""].filter(Boolean).join(", ");
  // A flexible scale set reports its user-assigned identities without ids (the plugin then asks
  // the identity itself); everywhere else ARM includes principalId and clientId.
  const withoutIds = r.kind === "vmss" && r.orchestrationMode === "Flexible";
  const out: Record<string, unknown> = { type };
  if (sys !== undefined) Object.assign(out, { principalId: sys.principalId, tenantId });
  if (users.length > 0) {
    out["userAssignedIdentities"] = Object.fromEntries(
      users.map((u) => [u.id, withoutIds ? {} : { principalId: u.principalId, clientId: u.clientId }]),
    );
  }
  return out;
}

function uaiJson(u: UserAssignedIdentity, tenantId: string): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    type: "Microsoft.ManagedIdentity/userAssignedIdentities",
    location: u.location,
    tags: {},
    properties: { isolationScope: "None", tenantId, principalId: u.principalId, clientId: u.clientId },
  };
}

export function armJson(r: ArmResource, tenantId: string, opts: { instanceView?: boolean } = {}): Record<string, unknown> {
  if (r.kind === "userAssignedIdentity") return uaiJson(r, tenantId);
  const base: Record<string, unknown> = { id: r.id, name: r.name, location: r.location };
  const identity = identityJson(r, tenantId);
  switch (r.kind) {
    case "vm": {
      const properties: Record<string, unknown> = { vmId: r.vmId, provisioningState: "Succeeded" };
      if (r.scaleSet !== undefined) properties["virtualMachineScaleSet"] = { id: r.scaleSet.id };
      if (opts.instanceView === true) {
        properties["instanceView"] = {
          computerName: r.name,
          statuses: [
            { code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Provisioning succeeded" },
            { code: "PowerState/running", level: "Info", displayStatus: "VM running" },
          ],
        };
      }
      return { ...base, type: "Microsoft.Compute/virtualMachines", identity, properties };
    }
    case "vmss":
      return {
        ...base,
        type: "Microsoft.Compute/virtualMachineScaleSets",
        identity,
        sku: { name: "Standard_B1s", tier: "Standard", capacity: 1 },
        properties: { orchestrationMode: r.orchestrationMode, provisioningState: "Succeeded", uniqueId: r.id.length.toString(16) },
      };
    case "resource":
      return { ...base, type: r.type, kind: r.resourceKind, identity, properties: r.properties };
  }
}
