import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import ts from 'typescript';
import { tsFilesUnder } from './layers.js';

/*
 * STYLE.md's strictness rules read off the syntax (TypeScript's parser, no type checking, so the
 * whole tree is read in well under a second): only CleaveError subclasses are thrown (rule 4), and
 * no non-null `!` without a comment saying why it holds (rule 11): on its line, above its
 * statement, or, for a kernel, a `// Bounds:` comment opening the function that states the
 * invariant keeping all of its indices in range.
 */

/** JavaScript's own error classes: code that throws must throw a CleaveError subclass instead. */
const BUILTIN_ERRORS = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError']);

/** Declarations whose leading comment documents them, not a `!` inside them: the search for a reason stops there. */
function isDocumentedDeclaration(node: ts.Node): boolean {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node)
    || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node) || ts.isClassDeclaration(node)
    || ts.isPropertyDeclaration(node) || ts.isSourceFile(node)
    || (ts.isVariableStatement(node) && node.declarationList.declarations.some((d) => d.initializer !== undefined
      && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))));
}

/** The 0-based lines a comment touches. */
function commentLines(file: ts.SourceFile): Set<number> {
  const lines = new Set<number>();
  const mark = (start: number, end: number): void => {
    const first = file.getLineAndCharacterOfPosition(start).line;
    const last = file.getLineAndCharacterOfPosition(end).line;
    for (let line = first; line <= last; line++) lines.add(line);
  };
  // Comments are trivia around the parsed tree's nodes (a bare scanner misreads regular expressions).
  const visit = (node: ts.Node): void => {
    for (const r of ts.getLeadingCommentRanges(file.text, node.getFullStart()) ?? []) mark(r.pos, r.end);
    for (const r of ts.getTrailingCommentRanges(file.text, node.getEnd()) ?? []) mark(r.pos, r.end);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return lines;
}

/** Whether a statement (or an object literal's entry) carries a comment just before it. */
function hasLeadingComment(file: ts.SourceFile, node: ts.Node): boolean {
  return (ts.getLeadingCommentRanges(file.text, node.getFullStart()) ?? []).length > 0;
}

/** A comment that states the bounds every index of a function body keeps: `// Bounds: ...`. */
const BOUNDS = /^(\/\/|\/\*+)\s*Bounds:/;

/**
 * Whether a function's body opens with a `// Bounds:` comment (leading its first statement):
 * the reason for every `!` in it, as a kernel whose indices one invariant keeps in range states
 * that invariant once rather than on every line.
 */
function opensWithBounds(file: ts.SourceFile, node: ts.Node): boolean {
  if (!ts.isFunctionLike(node) || !('body' in node) || !node.body || !ts.isBlock(node.body)) return false;
  const first = node.body.statements[0];
  if (first === undefined) return false;
  return (ts.getLeadingCommentRanges(file.text, first.getFullStart()) ?? []).some((r) => BOUNDS.test(file.text.slice(r.pos, r.end)));
}

/**
 * Whether a `!` has its reason: a comment on its line, a comment leading a statement (or
 * object literal entry) that holds it inside the nearest enclosing function or class
 * declaration (whose own comment documents the declaration), or a `// Bounds:` comment opening
 * an enclosing function's body.
 */
function explained(file: ts.SourceFile, node: ts.NonNullExpression, lines: ReadonlySet<number>): boolean {
  if (lines.has(file.getLineAndCharacterOfPosition(node.getEnd() - 1).line)) return true;
  for (let n: ts.Node = node.parent; ; n = n.parent) {
    if (opensWithBounds(file, n)) return true;
    if (isDocumentedDeclaration(n)) return false;
    const holds = n.kind >= ts.SyntaxKind.FirstStatement && n.kind <= ts.SyntaxKind.LastStatement;
    if ((holds || ts.isPropertyAssignment(n) || ts.isCaseClause(n)) && hasLeadingComment(file, n)) return true;
  }
}

/** One rule broken at one place: 'src/ops/conv.ts:12: ...'. */
export type Finding = string;

/** The findings of one file's text; `name` is how they name the file. */
export function strictnessFindings(name: string, text: string): Finding[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = commentLines(file);
  const out: Finding[] = [];
  const where = (node: ts.Node): string => `${name}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
  const visit = (node: ts.Node): void => {
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && BUILTIN_ERRORS.has(node.expression.text)) {
      out.push(`${where(node)}: ${node.expression.text} is not a CleaveError: use the subclass of src/errors.ts that says what failed (InternalError for a broken invariant)`);
    }
    if (ts.isThrowStatement(node) && (ts.isStringLiteral(node.expression) || ts.isTemplateExpression(node.expression) || ts.isNoSubstitutionTemplateLiteral(node.expression) || ts.isNumericLiteral(node.expression))) {
      out.push(`${where(node)}: throws a ${ts.SyntaxKind[node.expression.kind]}, not a CleaveError`);
    }
    if (ts.isNonNullExpression(node) && !explained(file, node, lines)) {
      out.push(`${where(node)}: \`${node.getText(file).slice(0, 60)}\`: a non-null assertion needs a comment saying why it holds, on its line or above its statement (or use at() or lookup() of src/checked.ts)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** The findings of every .ts file under `dir`, named relative to `root`. */
export function strictnessFindingsIn(dir: string, root: string): Finding[] {
  return tsFilesUnder(dir).sort().flatMap((path) => strictnessFindings(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8')));
}
