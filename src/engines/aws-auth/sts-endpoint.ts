// Where Vault forwards the client's GetCallerIdentity: config/client's sts_endpoint, the global
// endpoint, or a regional one named by the region the client signed for. The region comes from the
// request, so it is only ever used after matching a partition's region pattern: it cannot name
// another host.
import type { IamLoginRequest } from "./iam-request.js";

export const GLOBAL_STS_ENDPOINT = "https://sts.amazonaws.com";

/** The config/client settings that pick the endpoint. */
export interface StsEndpointSettings {
  stsEndpoint: string;
  stsRegion: string;
  useStsRegionFromClient: boolean;
}

/** Region patterns per partition and the DNS suffix of their regional endpoints. */
const PARTITIONS: readonly { region: RegExp; suffix: string }[] = [
  { region: /^us-gov-[a-z]+-\d{1,2}$/, suffix: "amazonaws.com" },
  { region: /^us-iso-[a-z]+-\d{1,2}$/, suffix: "c2s.ic.gov" },
  { region: /^us-isob-[a-z]+-\d{1,2}$/, suffix: "sc2s.sgov.gov" },
  { region: /^us-isof-[a-z]+-\d{1,2}$/, suffix: "csp.hci.ic.gov" },
  { region: /^eu-isoe-[a-z]+-\d{1,2}$/, suffix: "cloud.adc-e.uk" },
  { region: /^cn-[a-z]+-\d{1,2}$/, suffix: "amazonaws.com.cn" },
  { region: /^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d{1,2}$/, suffix: "amazonaws.com" },
];

/** The regional STS endpoint of `region`, or undefined for a name no partition has. */
export function stsRegionalEndpoint(region: string): string | undefined {
  const partition = PARTITIONS.find((p) => p.region.test(region));
  return partition === undefined ? undefined : `https://sts.${region}.${partition.suffix}`;
}

/** The `<region>` of a `Credential=<key>/<date>/<region>/sts/aws4_request` scope. */
function regionOfScope(credential: string): string | undefined {
  const parts = credential.split("/");
  return parts.length < 3 ? undefined : parts[2];
}

/** awsRegionFromHeader: the region of the Authorization header's Credential= component. */
export function regionFromAuthorization(authorization: string): string | undefined {
  const field = authorization.split(" ").find((f) => f.startsWith("Credential="));
  return field === undefined ? undefined : regionOfScope(field);
}

/**
 * The region the client signed for: the Authorization header's scope, or for a presigned GET
 * (no Authorization header) the X-Amz-Credential query parameter.
 */
export function signedRegion(request: Pick<IamLoginRequest, "headers" | "query">): string | undefined {
  const authorization = request.headers["Authorization"]?.[0];
  if (authorization !== undefined) return regionFromAuthorization(authorization);
  const credential = request.query.values.get("X-Amz-Credential")?.[0];
  return credential === undefined ? undefined : regionOfScope(credential);
}

export type EndpointChoice = { endpoint: string; region?: string } | { error: string };

/**
 * Upstream's choice (sts_endpoint, else the global endpoint; with use_sts_region_from_client the
 * signed region's endpoint), plus one step beyond it: with no STS settings at all, a request
 * signed for a region other than us-east-1 goes to that region's endpoint. The global endpoint
 * refuses such a signature ("Credential should be scoped to a valid region"), so this only turns
 * logins that always failed into ones that work; any STS setting keeps upstream's behaviour.
 */
export function chooseStsEndpoint(settings: StsEndpointSettings | undefined, request: Pick<IamLoginRequest, "headers" | "query">): EndpointChoice {
  if (settings?.useStsRegionFromClient === true) {
    const region = signedRegion(request);
    if (region === undefined) return { error: "region missing from Authorization header" };
    const endpoint = stsRegionalEndpoint(region);
    if (endpoint === undefined) return { error: `unable to get regional STS endpoint for region: ${region.slice(0, 64)}` };
    return { endpoint, region };
  }
  if (settings !== undefined && settings.stsEndpoint !== "") return { endpoint: settings.stsEndpoint };
  if (settings === undefined || settings.stsRegion === "") {
    const region = signedRegion(request);
    const endpoint = region === undefined || region === "us-east-1" ? undefined : stsRegionalEndpoint(region);
    if (endpoint !== undefined) return { endpoint, region: region ?? "" };
  }
  return { endpoint: GLOBAL_STS_ENDPOINT };
}
