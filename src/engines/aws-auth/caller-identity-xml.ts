// Reading STS's GetCallerIdentity answer. A deliberately small XML reader: the answer is a few
// hundred bytes of plain elements, and a full parser would only widen what a hostile body can do.
// It accepts what STS sends (a declaration, namespaces, comments, CDATA, the five named entities
// and character references) and refuses everything else — DOCTYPE, unknown entities, unbalanced
// tags, too deep or too many elements — as an unreadable answer.

export interface CallerIdentity {
  arn: string;
  userId: string;
  account: string;
}

interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** Bounds on a body that should be ~500 bytes; anything past them is not an STS answer. */
export const MAX_STS_RESPONSE_BYTES = 64 * 1024;
const MAX_DEPTH = 16;
const MAX_ELEMENTS = 512;

class XmlError extends Error {}

const NAMED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*/;

function decodeEntities(text: string): string {
  return text.replace(/&([^;&]{0,16});/g, (_m, ref: string) => {
    const named = NAMED[ref];
    if (named !== undefined) return named;
    const code = ref.startsWith("#x") ? parseInt(ref.slice(2), 16) : ref.startsWith("#") ? parseInt(ref.slice(1), 10) : NaN;
    if (!Number.isInteger(code) || code < 1 || code > 0x10ffff) throw new XmlError("bad entity");
    return String.fromCodePoint(code);
  });
}

class Reader {
  private pos = 0;
  private elements = 0;

  constructor(private readonly src: string) {}

  /** Skips whitespace, comments and processing instructions; refuses a DOCTYPE. */
  private skipMisc(): void {
    for (;;) {
      while (/\s/.test(this.src.charAt(this.pos))) this.pos++;
      if (this.src.startsWith("<?", this.pos)) this.pos = this.after("?>");
      else if (this.src.startsWith("<!--", this.pos)) this.pos = this.after("-->");
      else if (this.src.startsWith("<!", this.pos) && !this.src.startsWith("<![CDATA[", this.pos)) throw new XmlError("directive");
      else return;
    }
  }

  private after(end: string): number {
    const at = this.src.indexOf(end, this.pos);
    if (at === -1) throw new XmlError("unterminated");
    return at + end.length;
  }

  document(): XmlElement {
    this.skipMisc();
    const root = this.element(0);
    this.skipMisc();
    if (this.pos !== this.src.length) throw new XmlError("trailing data");
    return root;
  }

  private element(depth: number): XmlElement {
    if (depth > MAX_DEPTH || ++this.elements > MAX_ELEMENTS) throw new XmlError("too large");
    if (this.src.charAt(this.pos) !== "<") throw new XmlError("expected element");
    const name = NAME.exec(this.src.slice(this.pos + 1, this.pos + 257))?.[0];
    if (name === undefined) throw new XmlError("bad name");
    this.pos += 1 + name.length;
    // Attributes are skipped (quoted values may hold '>'); only the tag's end matters.
    let selfClosing = false;
    for (;;) {
      const c = this.src.charAt(this.pos);
      if (c === "") throw new XmlError("unterminated tag");
      if (c === '"' || c === "'") {
        const end = this.src.indexOf(c, this.pos + 1);
        if (end === -1) throw new XmlError("unterminated attribute");
        this.pos = end + 1;
      } else if (c === ">") {
        this.pos++;
        break;
      } else if (c === "/" && this.src.charAt(this.pos + 1) === ">") {
        this.pos += 2;
        selfClosing = true;
        break;
      } else if (c === "<") {
        throw new XmlError("bad tag");
      } else {
        this.pos++;
      }
    }
    const local = name.slice(name.indexOf(":") + 1);
    const node: XmlElement = { name: local, children: [], text: "" };
    if (selfClosing) return node;
    for (;;) {
      const lt = this.src.indexOf("<", this.pos);
      if (lt === -1) throw new XmlError("unterminated element");
      node.text += decodeEntities(this.src.slice(this.pos, lt));
      this.pos = lt;
      if (this.src.startsWith("</", this.pos)) {
        const close = `</${name}`;
        if (!this.src.startsWith(close, this.pos)) throw new XmlError("mismatched end tag");
        this.pos += close.length;
        while (/\s/.test(this.src.charAt(this.pos))) this.pos++;
        if (this.src.charAt(this.pos) !== ">") throw new XmlError("bad end tag");
        this.pos++;
        return node;
      }
      if (this.src.startsWith("<![CDATA[", this.pos)) {
        const end = this.src.indexOf("]]>", this.pos);
        if (end === -1) throw new XmlError("unterminated CDATA");
        node.text += this.src.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.src.startsWith("<!--", this.pos) || this.src.startsWith("<?", this.pos)) {
        this.pos = this.after(this.src.startsWith("<!--", this.pos) ? "-->" : "?>");
      } else if (this.src.startsWith("<!", this.pos)) {
        throw new XmlError("directive");
      } else {
        node.children.push(this.element(depth + 1));
      }
    }
  }
}

/** The one child called `name`; two of them make the answer ambiguous, so unreadable. */
function only(parent: XmlElement, name: string): XmlElement | undefined {
  const found = parent.children.filter((c) => c.name === name);
  if (found.length > 1) throw new XmlError(`repeated ${name}`);
  return found[0];
}

/**
 * The caller identity of a GetCallerIdentity answer, or undefined when the body is not one: it
 * must start with `<GetCallerIdentityResponse` or `<?xml` (upstream's check), have that root
 * element and a GetCallerIdentityResult in it.
 */
export function parseCallerIdentityResponse(body: string): CallerIdentity | undefined {
  const text = body.trim();
  if (!text.startsWith("<GetCallerIdentityResponse") && !text.startsWith("<?xml")) return undefined;
  try {
    const root = new Reader(text).document();
    if (root.name !== "GetCallerIdentityResponse") return undefined;
    const result = root.children.find((c) => c.name === "GetCallerIdentityResult");
    if (result === undefined) return undefined;
    const field = (name: string): string => only(result, name)?.text ?? "";
    return { arn: field("Arn"), userId: field("UserId"), account: field("Account") };
  } catch (err) {
    if (err instanceof XmlError) return undefined;
    throw err;
  }
}
