// Sample strings for regular expressions with groups, alternation, `.`, negated classes and quantified groups: the
// parts of Python's `re` (and JavaScript's RegExp) that brief patterns use. Lookarounds and backreferences are not
// sampled (undefined). Every sample is checked against the pattern before it is returned.

type Node =
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'chars'; chars: string }
  | { kind: 'repeat'; node: Node; min: number; max: number };

class Unsupported extends Error {}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const WORD = `${LOWER}${UPPER}${DIGITS}_`;
/** Printable ASCII, readable characters first: what `.` and negated classes pick from. */
const PRINTABLE = `${LOWER}${UPPER}${DIGITS}-_.~!#%&*+=:;,@`;
const EMPTY: Node = { kind: 'seq', items: [] };

function escapeChars(c: string): string {
  switch (c) {
    case 'd':
      return DIGITS;
    case 'w':
      return WORD;
    case 's':
      return ' ';
    case 'D':
      return LOWER;
    case 'W':
      return '-';
    case 'S':
      return LOWER;
    case 't':
      return '\t';
    case 'n':
      return '\n';
    default:
      if (/[0-9]/.test(c)) throw new Unsupported('backreference');
      if (/[a-zA-Z]/.test(c)) throw new Unsupported(`escape \\${c}`);
      return c;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new Unsupported(`unbalanced ")" at ${this.i}`);
    return node;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as Node) : { kind: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      items.push(this.quantified(this.atom()));
    }
    return { kind: 'seq', items };
  }

  private atom(): Node {
    const c = this.src[this.i++] as string;
    if (c === '^' || c === '$') return EMPTY;
    if (c === '.') return { kind: 'chars', chars: PRINTABLE };
    if (c === '(') return this.group();
    if (c === '[') return { kind: 'chars', chars: this.charClass() };
    if (c === '\\') {
      const next = this.src[this.i++];
      if (next === undefined) throw new Unsupported('trailing backslash');
      if (next === 'b' || next === 'B' || next === 'A' || next === 'Z') return EMPTY;
      return { kind: 'chars', chars: escapeChars(next) };
    }
    if ('*+?{'.includes(c)) throw new Unsupported(`quantifier "${c}" with nothing to repeat`);
    return { kind: 'chars', chars: c };
  }

  private group(): Node {
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i);
      if (rest.startsWith('?:')) this.i += 2;
      else if (/^\?P?<[A-Za-z_]\w*>/.test(rest)) this.i = this.src.indexOf('>', this.i) + 1;
      else throw new Unsupported('lookaround or inline flag');
    }
    const node = this.alternation();
    if (this.src[this.i] !== ')') throw new Unsupported('unclosed group');
    this.i++;
    return node;
  }

  private charClass(): string {
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const members: string[] = [];
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let c = this.src[this.i++] as string;
      if (c === '\\') {
        const set = escapeChars(this.src[this.i++] as string);
        if (set.length > 1) {
          members.push(...set);
          continue;
        }
        c = set;
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        let to = this.src[this.i + 1] as string;
        this.i += 2;
        if (to === '\\') to = escapeChars(this.src[this.i++] as string);
        for (let code = c.charCodeAt(0); code <= to.charCodeAt(0); code++) members.push(String.fromCharCode(code));
      } else members.push(c);
    }
    if (this.src[this.i] !== ']') throw new Unsupported('unclosed class');
    this.i++;
    const set = new Set(members);
    const chars = negated ? [...PRINTABLE].filter((ch) => !set.has(ch)).join('') : [...set].join('');
    if (chars.length === 0) throw new Unsupported('empty class');
    return chars;
  }

  private quantified(node: Node): Node {
    const q = this.src[this.i];
    let min: number;
    let max: number;
    if (q === '*' || q === '+' || q === '?') {
      this.i++;
      [min, max] = q === '*' ? [0, Number.POSITIVE_INFINITY] : q === '+' ? [1, Number.POSITIVE_INFINITY] : [0, 1];
    } else if (q === '{' && /^\{\d*(,\d*)?\}/.test(this.src.slice(this.i))) {
      const close = this.src.indexOf('}', this.i);
      const [low, high] = this.src.slice(this.i + 1, close).split(',');
      min = Number(low || 0);
      max = high === undefined ? min : high === '' ? Number.POSITIVE_INFINITY : Number(high);
      this.i = close + 1;
    } else return node;
    if (this.src[this.i] === '?' || this.src[this.i] === '+') this.i++; // lazy or possessive: same strings
    return { kind: 'repeat', node, min, max };
  }
}

/** Deterministic choices: stream 0 always takes the first option; others follow a seeded PRNG (mulberry32). */
function chooser(seed: number): (count: number) => number {
  if (seed === 0) return () => 0;
  let state = seed >>> 0;
  return (count) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(r * count);
  };
}

function render(node: Node, choose: (count: number) => number): string {
  switch (node.kind) {
    case 'chars':
      return node.chars[choose(node.chars.length)] as string;
    case 'alt':
      return render(node.options[choose(node.options.length)] as Node, choose);
    case 'seq':
      return node.items.map((item) => render(item, choose)).join('');
    case 'repeat': {
      const span = Math.min(node.max, node.min + 3) - node.min;
      const times = node.min + choose(span + 1);
      return Array.from({ length: times }, () => render(node.node, choose)).join('');
    }
  }
}

/** The pattern as a whole-string JavaScript RegExp (Python's `(?P<name>` written as `(?<name>`), or undefined. */
function fullMatcher(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern.replace(/\(\?P</g, '(?<')})$`, 'u');
  } catch {
    return undefined;
  }
}

/**
 * Variant `n` (0-based) of a string matching `pattern`: variants differ from each other as long as the pattern allows
 * that many strings, then repeat. Undefined when the pattern uses a feature not sampled here or no match turns up.
 */
export function sampleRegex(pattern: string, n: number): string | undefined {
  let tree: Node;
  try {
    tree = new Parser(pattern).parse();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const matcher = fullMatcher(pattern);
  if (!matcher) return undefined;
  const found: string[] = [];
  for (let seed = 0; seed < 64 * (n + 1) && found.length <= n; seed++) {
    const candidate = render(tree, chooser(seed));
    if (matcher.test(candidate) && !found.includes(candidate)) found.push(candidate);
  }
  // Fewer strings than variants (`^(USD|EUR)$`): repeat them; a repeated value beats one the pattern refuses.
  return found.length > 0 ? found[n % found.length] : undefined;
}
