/**
 * A regular expression engine whose cost is linear in the input: the `pattern` and
 * `patternProperties` of a publisher's schema run here, never in V8's backtracking engine, where
 * `(a+)+$` on a few dozen characters takes minutes. It compiles a pattern to a Thompson NFA and
 * runs every thread in lock step (Pike's VM without captures): at most one pass over the input
 * per program instruction, O(input × pattern).
 *
 * The subset: literals and escapes, `.`, classes (`[a-z]`, `[^…]`, `\d \w \s` and their negations),
 * groups (`(…)`, `(?:…)`, `(?<name>…)`), alternation, the quantifiers `* + ? {n} {n,} {n,m}` (lazy
 * forms too: a yes/no match is the same), and `^`/`$`. Back-references, look-around and `\b`,
 * which need backtracking, are refused with a message that names them.
 */

/** Bounds on one pattern: a counted repetition is unrolled, so its copies count toward `maxInstructions`. */
export const REGEXP_LIMITS = Object.freeze({ maxPatternChars: 1_000, maxRepeat: 1_000, maxInstructions: 20_000 });

type CharTest = (code: number) => boolean;
type Node =
  | { kind: 'char'; test: CharTest }
  | { kind: 'start' | 'end' | 'empty' }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

/** Thrown for a pattern outside the subset or over a limit; the message says which. */
export class UnsupportedPatternError extends Error {}

const fail = (message: string): never => {
  throw new UnsupportedPatternError(message);
};

const range =
  (from: number, to: number): CharTest =>
  (c) =>
    c >= from && c <= to;
const DIGIT = range(48, 57);
const WORD: CharTest = (c) => DIGIT(c) || range(65, 90)(c) || range(97, 122)(c) || c === 95;
const SPACE: CharTest = (c) => /\s/.test(String.fromCharCode(c));
const asTest = (value: number | CharTest): CharTest => (typeof value === 'number' ? (x) => x === value : value);
const not =
  (test: CharTest): CharTest =>
  (c) =>
    !test(c);
const CLASS_ESCAPES: Record<string, CharTest> = {
  d: DIGIT,
  D: not(DIGIT),
  w: WORD,
  W: not(WORD),
  s: SPACE,
  S: not(SPACE),
};
const CONTROL_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, v: 11, f: 12, '0': 0 };

class Parser {
  private at = 0;
  constructor(private readonly source: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.at < this.source.length) fail(`unmatched ')' at ${this.at}`);
    return node;
  }

  private peek(): string | undefined {
    return this.source[this.at];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.at++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { kind: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.at < this.source.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.quantified());
    return { kind: 'seq', items };
  }

  private quantified(): Node {
    const node = this.atom();
    const bounds = this.quantifier();
    if (!bounds) return node;
    if (node.kind === 'start' || node.kind === 'end') fail('a quantifier cannot follow ^ or $');
    if (this.peek() === '?') this.at++; // lazy: the same yes/no answer
    if (/[*+?{]/.test(this.peek() ?? '') && !this.countedLiteral()) fail(`nothing to repeat at ${this.at}`);
    return { kind: 'repeat', node, ...bounds };
  }

  /** `{` that does not start a valid counted quantifier is a literal brace, as in JavaScript. */
  private countedLiteral(): boolean {
    return this.peek() === '{' && !/^\{\d+(,\d*)?\}/.test(this.source.slice(this.at));
  }

  private quantifier(): { min: number; max: number } | null {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.at++;
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Infinity };
    }
    const counted = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at));
    if (c !== '{' || !counted) return null;
    this.at += counted[0].length;
    const min = Number(counted[1]);
    const max = counted[2] === undefined ? min : counted[3] === '' ? Infinity : Number(counted[3]);
    if (min > max) fail(`numbers out of order in ${counted[0]}`);
    if (min > REGEXP_LIMITS.maxRepeat || (max !== Infinity && max > REGEXP_LIMITS.maxRepeat))
      fail(`a repeat count above ${REGEXP_LIMITS.maxRepeat} in ${counted[0]}`);
    return { min, max };
  }

  private atom(): Node {
    const c = this.source[this.at++];
    if (c === '(') return this.group();
    if (c === '[') return { kind: 'char', test: this.charClass() };
    if (c === '.')
      return { kind: 'char', test: (code) => code !== 10 && code !== 13 && code !== 0x2028 && code !== 0x2029 };
    if (c === '^') return { kind: 'start' };
    if (c === '$') return { kind: 'end' };
    if (c === '\\') return { kind: 'char', test: asTest(this.escape(false)) };
    if (c === '*' || c === '+' || c === '?') fail(`nothing to repeat at ${this.at - 1}`);
    if (c === '{' && /^\d+(,\d*)?\}/.test(this.source.slice(this.at))) fail(`nothing to repeat at ${this.at - 1}`);
    const code = c.charCodeAt(0);
    return { kind: 'char', test: (x) => x === code };
  }

  private group(): Node {
    if (this.source.startsWith('?:', this.at)) this.at += 2;
    else if (/^\?<[A-Za-z_$][\w$]*>/.test(this.source.slice(this.at))) this.at = this.source.indexOf('>', this.at) + 1;
    else if (this.peek() === '?') fail('look-around groups need backtracking and are not supported');
    const node = this.alternation();
    if (this.source[this.at++] !== ')') fail("unterminated group: missing ')'");
    return node;
  }

  /** After a backslash: a character code or a class. Inside a class `\b` is a backspace; outside it is refused. */
  private escape(inClass: boolean): number | CharTest {
    const c = this.source[this.at++];
    if (c === undefined) return fail('a pattern cannot end with a backslash');
    if (CLASS_ESCAPES[c]) return CLASS_ESCAPES[c];
    if (c in CONTROL_ESCAPES && !(c === '0' && /\d/.test(this.peek() ?? ''))) return CONTROL_ESCAPES[c];
    if (c === 'b' && inClass) return 8;
    if (c === 'x' || c === 'u') return this.hex(c === 'x' ? 2 : 4);
    if (/[1-9]/.test(c) || c === 'k') return fail('back-references need backtracking and are not supported');
    if (c === 'b' || c === 'B') return fail('word boundaries (\\b, \\B) are not supported');
    if (c === 'p' || c === 'P') return fail('Unicode property escapes (\\p{…}) are not supported');
    if (/[A-Za-z0-9]/.test(c)) return fail(`unknown escape \\${c}`);
    return c.charCodeAt(0);
  }

  private hex(digits: number): number {
    const text = this.source.slice(this.at, this.at + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(text)) fail(`invalid hexadecimal escape at ${this.at}`);
    this.at += digits;
    return parseInt(text, 16);
  }

  private charClass(): CharTest {
    const negated = this.peek() === '^';
    if (negated) this.at++;
    const tests: CharTest[] = [];
    while (this.peek() !== ']') {
      if (this.at >= this.source.length) fail("unterminated character class: missing ']'");
      const low = this.classMember();
      if (this.peek() === '-' && this.source[this.at + 1] !== ']' && this.at + 1 < this.source.length) {
        this.at++;
        const high = this.classMember();
        if (typeof low !== 'number' || typeof high !== 'number') fail('a class range needs single characters');
        if ((low as number) > (high as number)) fail('character class range out of order');
        tests.push(range(low as number, high as number));
      } else tests.push(asTest(low));
    }
    this.at++;
    const matches: CharTest = (c) => tests.some((test) => test(c));
    return negated ? not(matches) : matches;
  }

  /** One class member: a code (a range may use it) or a class escape. */
  private classMember(): number | CharTest {
    const c = this.source[this.at++];
    return c === '\\' ? this.escape(true) : c.charCodeAt(0);
  }
}

type Instruction =
  | { op: 'char'; test: CharTest; next: number }
  | { op: 'split'; next: number[] }
  | { op: 'start' | 'end'; next: number }
  | { op: 'match' };

/** Compiles the tree to instructions; returns the entry of `node`, which continues at `next`. */
function emit(node: Node, next: number, program: Instruction[]): number {
  if (program.length > REGEXP_LIMITS.maxInstructions)
    fail(`the pattern needs more than ${REGEXP_LIMITS.maxInstructions} steps (repeat counts are unrolled)`);
  const push = (instruction: Instruction): number => program.push(instruction) - 1;
  switch (node.kind) {
    case 'char':
      return push({ op: 'char', test: node.test, next });
    case 'start':
    case 'end':
      return push({ op: node.kind, next });
    case 'empty':
      return next;
    case 'seq':
      return node.items.reduceRight((after, item) => emit(item, after, program), next);
    case 'alt':
      return push({ op: 'split', next: node.options.map((option) => emit(option, next, program)) });
    case 'repeat':
      return emitRepeat(node, next, program);
  }
}

function emitRepeat(node: Extract<Node, { kind: 'repeat' }>, next: number, program: Instruction[]): number {
  let entry = next;
  if (node.max === Infinity) {
    // A loop: split to the body (which comes back here) or on.
    const loop = program.push({ op: 'split', next: [] }) - 1;
    const body = emit(node.node, loop, program);
    (program[loop] as { next: number[] }).next = [body, next];
    entry = loop;
  } else {
    for (let i = node.min; i < node.max; i++) {
      const optional = program.push({ op: 'split', next: [] }) - 1;
      (program[optional] as { next: number[] }).next = [emit(node.node, entry, program), next];
      entry = optional;
    }
  }
  for (let i = 0; i < node.min; i++) entry = emit(node.node, entry, program);
  return entry;
}

/** Something with `test`, as ajv's `code.regExp` option asks for. */
export interface LinearRegExp {
  test(input: string): boolean;
  /** The pattern: ajv keys its compiled patterns by it. */
  toString(): string;
}

/** Compiles `pattern` (unanchored, as JSON Schema's `pattern` is) or throws {@link UnsupportedPatternError}. */
export function compileLinearRegExp(pattern: string): LinearRegExp {
  if (pattern.length > REGEXP_LIMITS.maxPatternChars)
    fail(`the pattern is longer than ${REGEXP_LIMITS.maxPatternChars} characters`);
  const program: Instruction[] = [{ op: 'match' }];
  const start = emit(new Parser(pattern).parse(), 0, program);
  return { test: (input) => run(program, start, input), toString: () => `/${pattern}/` };
}

function run(program: readonly Instruction[], start: number, input: string): boolean {
  let current: number[] = [];
  const seen = new Int32Array(program.length).fill(-1);
  // Follows splits and assertions at position `at`, adding each char step once per position.
  const add = (list: number[], pc: number, at: number, mark: number): boolean => {
    const stack = [pc];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (seen[i] === mark) continue;
      seen[i] = mark;
      const instruction = program[i];
      if (instruction.op === 'match') return true;
      if (instruction.op === 'char') list.push(i);
      else if (instruction.op === 'split')
        for (let k = instruction.next.length - 1; k >= 0; k--) stack.push(instruction.next[k]);
      else if (instruction.op === 'start' ? at === 0 : at === input.length) stack.push(instruction.next);
    }
    return false;
  };
  for (let at = 0; at <= input.length; at++) {
    // Unanchored: a new thread may start at every position.
    if (add(current, start, at, at)) return true;
    if (at === input.length) return false;
    const code = input.charCodeAt(at);
    const next: number[] = [];
    for (const pc of current) {
      const instruction = program[pc] as Extract<Instruction, { op: 'char' }>;
      if (instruction.test(code) && add(next, instruction.next, at + 1, at + 1)) return true;
    }
    current = next;
  }
  return false;
}
