import {
  apiSpec,
  type ServiceHandlers,
  API_METHODS,
  type ApiGroup,
  err,
  type InputIssue,
  ok,
  type Result,
} from '@contract';
import { toApiError } from '../errors';

export interface MethodRef {
  readonly group: ApiGroup;
  readonly method: string;
}

/** Looks a (group, method) pair up in the contract; unknown names are rejected, never dispatched. */
export function findMethod(group: string, method: string): MethodRef | undefined {
  if (!Object.hasOwn(API_METHODS, group)) return undefined;
  const g = group as ApiGroup;
  return (API_METHODS[g] as readonly string[]).includes(method) ? { group: g, method } : undefined;
}

type AnyHandler = (input: unknown) => Promise<unknown>;
type AnySpec = Record<
  string,
  { input: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: unknown } } }
>;

/**
 * The single entry every adapter (Electron IPC, browser-mode HTTP, the CLI) calls: validate the input with the
 * contract schema, run the handler, and turn any failure into a Result, so that errors cross as data.
 */
export async function dispatch(
  handlers: ServiceHandlers,
  ref: MethodRef,
  rawInput: unknown,
): Promise<Result<unknown>> {
  if (!findMethod(ref.group, ref.method))
    return err('not_found', `unknown method ${ref.group}.${ref.method}`);
  const spec = (apiSpec[ref.group] as AnySpec)[ref.method];
  const handler = (handlers[ref.group] as unknown as Record<string, AnyHandler | undefined>)[ref.method];
  if (!spec || !handler) return err('not_found', `unknown method ${ref.group}.${ref.method}`);
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    return err('invalid_input', `${ref.group}.${ref.method}: ${describeIssues(issues)}`, { issues });
  }
  try {
    return ok(await handler(parsed.data));
  } catch (e) {
    const apiError = toApiError(e);
    return { ok: false, error: apiError };
  }
}

function zodIssues(error: unknown): InputIssue[] {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [];
  return issues.slice(0, 5).map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
  }));
}

function describeIssues(issues: readonly InputIssue[]): string {
  if (issues.length === 0) return 'invalid input';
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`).join('; ');
}
