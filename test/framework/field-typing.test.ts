// Compile-time guarantees of the field builders (architecture §5.4): a field's declaration gives
// the handler its value type, and an undeclared name does not compile. `tsc --noEmit` checks the
// assertions; the runtime bodies only make vitest count them.
import { describe, expectTypeOf, it } from "vitest";
import { createFieldData, type FieldDataWithAliases } from "../../src/framework/field-data.js";
import { field, type FieldOptions } from "../../src/framework/field-types.js";
import type { FieldData, FieldSchema, FieldValue } from "../../src/framework/types.js";

const fields = {
  name: field.string(),
  lower: field.lowercaseString(),
  role: field.nameString(),
  count: field.int(),
  big: field.int64(),
  enabled: field.bool(),
  ratio: field.float(),
  ttl: field.durationSeconds({ default: "1h" }),
  offset: field.signedDurationSeconds(),
  anything: field.slice(),
  names: field.stringSlice(),
  policies: field.commaStringSlice(),
  ports: field.commaIntSlice(),
  meta: field.map(),
  tags: field.kvPairs(),
  headers: field.header(),
  expires: field.time(),
};

const data = createFieldData(fields, {});

describe("field builders carry the handler's types", () => {
  it("types every builder's value", () => {
    expectTypeOf(data.get("name")).toEqualTypeOf<string>();
    expectTypeOf(data.get("lower")).toEqualTypeOf<string>();
    expectTypeOf(data.get("role")).toEqualTypeOf<string>();
    expectTypeOf(data.get("count")).toEqualTypeOf<number>();
    expectTypeOf(data.get("big")).toEqualTypeOf<number>();
    expectTypeOf(data.get("enabled")).toEqualTypeOf<boolean>();
    expectTypeOf(data.get("ratio")).toEqualTypeOf<number>();
    expectTypeOf(data.get("ttl")).toEqualTypeOf<number>();
    expectTypeOf(data.get("offset")).toEqualTypeOf<number>();
    expectTypeOf(data.get("anything")).toEqualTypeOf<unknown[]>();
    expectTypeOf(data.get("names")).toEqualTypeOf<string[]>();
    expectTypeOf(data.get("policies")).toEqualTypeOf<string[]>();
    expectTypeOf(data.get("ports")).toEqualTypeOf<number[]>();
    expectTypeOf(data.get("meta")).toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf(data.get("tags")).toEqualTypeOf<Record<string, string>>();
    expectTypeOf(data.get("headers")).toEqualTypeOf<Record<string, string[]>>();
    expectTypeOf(data.get("expires")).toEqualTypeOf<Date>();
  });

  it("types getOk and getFirst", () => {
    expectTypeOf(data.getOk("ttl")).toEqualTypeOf<{ value: number; ok: boolean }>();
    expectTypeOf(data.getFirst("ttl", "offset").value).toEqualTypeOf<number>();
    expectTypeOf(data.getFirst("names", "policies").value).toEqualTypeOf<string[]>();
  });

  it("rejects undeclared names at compile time", () => {
    // @ts-expect-error -- "unknown" is not a declared field.
    expectTypeOf(() => data.get("unknown")).toBeFunction();
    // @ts-expect-error -- nor for getOk.
    expectTypeOf(() => data.getOk("ttl_typo")).toBeFunction();
    // @ts-expect-error -- nor for getFirst aliases.
    expectTypeOf(() => data.getFirst("ttl", "max_ttl")).toBeFunction();
  });

  it("types defaults and allowed values by the field", () => {
    // @ts-expect-error -- an int default must be a number.
    field.int({ default: "5" });
    // @ts-expect-error -- a list's allowed values name its elements.
    field.commaStringSlice({ allowedValues: [["a"]] });
    field.commaStringSlice({ allowedValues: ["a", "b"] });
    field.durationSeconds({ default: "768h" });
    field.durationSeconds({ default: 3600 });
    // @ts-expect-error -- a time default is a Date.
    field.time({ default: "2024-01-01T00:00:00Z" });
    expectTypeOf<FieldOptions<string[]>["allowedValues"]>().toEqualTypeOf<readonly string[] | undefined>();
  });

  it("fits the shared declaration types", () => {
    expectTypeOf(fields.ttl).toEqualTypeOf<FieldSchema<number>>();
    expectTypeOf<FieldValue<typeof fields.headers>>().toEqualTypeOf<Record<string, string[]>>();
    expectTypeOf(data).toExtend<FieldData<typeof fields>>();
    expectTypeOf(data).toEqualTypeOf<FieldDataWithAliases<typeof fields>>();
  });
});
