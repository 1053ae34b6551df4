import { describe, expect, it } from "vitest";
import { getJson } from "../../../src/logical/index.js";
import { harness } from "./config-harness.js";

const ROLE = "arn:aws:iam::111122223333:role/vault";

describe("config/sts", () => {
  it("creates, reads and stores the role; external_id only when set", async () => {
    const h = harness();
    expect(await h.exists("config/sts/111122223333")).toBe(false);
    expect(await h.write("config/sts/111122223333", { sts_role: ROLE })).toBeUndefined();
    expect((await h.read("config/sts/111122223333"))?.data).toEqual({ sts_role: ROLE });
    expect(await getJson(h.storage, "config/sts/111122223333")).toEqual({ sts_role: ROLE });
    expect(await h.write("config/sts/111122223333", { external_id: "ext-1" })).toBeUndefined();
    expect((await h.read("config/sts/111122223333"))?.data).toEqual({ sts_role: ROLE, external_id: "ext-1" });
    expect(await getJson(h.storage, "config/sts/111122223333")).toEqual({ sts_role: ROLE, external_id: "ext-1" });
    // Clearing external_id drops the member again (Go's omitempty).
    await h.write("config/sts/111122223333", { external_id: "" });
    expect(await getJson(h.storage, "config/sts/111122223333")).toEqual({ sts_role: ROLE });
  });

  it("requires a non-empty sts_role, with upstream's texts", async () => {
    const h = harness();
    expect((await h.write("config/sts/1", { external_id: "x" }))?.data).toEqual({ error: "missing sts role" });
    expect((await h.write("config/sts/1", { sts_role: "" }))?.data).toEqual({ error: "sts role cannot be empty" });
    await h.write("config/sts/1", { sts_role: ROLE });
    expect((await h.write("config/sts/1", { sts_role: "" }))?.data).toEqual({ error: "sts role cannot be empty" });
    expect((await h.read("config/sts/1"))?.data).toEqual({ sts_role: ROLE });
  });

  it("lists and deletes", async () => {
    const h = harness();
    await h.write("config/sts/111122223333", { sts_role: ROLE });
    await h.write("config/sts/444455556666", { sts_role: ROLE });
    expect((await h.request("list", "config/sts/"))?.data).toEqual({ keys: ["111122223333", "444455556666"] });
    expect(await h.request("delete", "config/sts/111122223333")).toBeUndefined();
    expect(await h.read("config/sts/111122223333")).toBeUndefined();
    expect((await h.request("list", "config/sts"))?.data).toEqual({ keys: ["444455556666"] });
  });
});
