// token_bound_cidrs at login (≈ cidrutil.RemoteAddrIsOk): the caller's address must fall inside
// one of the role's blocks. The blocks were canonicalised at role write (parseAddrs): a bare
// address is a single host.
import { BlockList, isIPv4, isIPv6 } from "node:net";
import { CodedError, type Request } from "../../logical/index.js";

function family(ip: string): "ipv4" | "ipv6" | undefined {
  if (isIPv4(ip)) return "ipv4";
  if (isIPv6(ip)) return "ipv6";
  return undefined;
}

/** Whether `remoteAddr` lies in one of `cidrs`. */
export function addressInBlocks(remoteAddr: string, cidrs: readonly string[]): boolean {
  const addrFamily = family(remoteAddr);
  if (addrFamily === undefined) return false;
  const blocks = new BlockList();
  for (const cidr of cidrs) {
    const [ip = "", prefix] = cidr.split("/");
    const f = family(ip);
    if (f === undefined) continue;
    if (prefix === undefined) blocks.addAddress(ip, f);
    else blocks.addSubnet(ip, Number(prefix), f);
  }
  return blocks.check(remoteAddr, addrFamily);
}

/**
 * Refuses (HTTP 403, naming the check) a login whose caller is outside the role's bound CIDRs, or
 * whose connection Vault did not pass on: without it the check cannot pass.
 */
export function checkTokenBoundCidrs(request: Request, cidrs: readonly string[]): void {
  if (cidrs.length === 0) return;
  if (request.connection === undefined) {
    throw new CodedError(403, "permission denied: the role has token_bound_cidrs but the request carries no connection information to check them against");
  }
  if (!addressInBlocks(request.connection.remoteAddr, cidrs)) {
    throw new CodedError(403, "permission denied: the client address is not in the role's token_bound_cidrs");
  }
}
