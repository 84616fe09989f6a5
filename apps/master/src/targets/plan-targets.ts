import { formatPath, walkFlow, type FieldIssue } from '@loadtest/protocol';
import { checkUrl, resolveAndCheck, TargetRefused, type Allowlist, type Lookup } from '@loadtest/targets';

/** A URL of a plan that names where load goes, with the path of its field (`baseUrl`, `steps[2].then[0].url`). */
export interface PlanTargetUrl {
  readonly path: string;
  readonly url: string;
}

/** A step URL with a scheme (`https://…`, `file:…`): it names a host of its own, or a scheme that is refused. */
const WITH_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The plan's base URL and every step URL that is absolute (a relative one goes to the base URL's host). */
export function planTargetUrls(plan: { baseUrl: unknown; steps: unknown }): PlanTargetUrl[] {
  const urls: PlanTargetUrl[] = [];
  if (typeof plan.baseUrl === 'string') urls.push({ path: 'baseUrl', url: plan.baseUrl });
  for (const { step, path } of walkFlow(plan.steps, ['steps'])) {
    if (typeof step.url === 'string' && WITH_SCHEME.test(step.url.trim())) urls.push({ path: formatPath([...path, 'url']), url: step.url });
  }
  return urls;
}

function issueOf(target: PlanTargetUrl, error: unknown): FieldIssue {
  if (error instanceof TargetRefused) return { path: target.path, message: error.message };
  throw error;
}

/** Without DNS (a plan is saved): each target URL's scheme, host (name or IP) and port against the allowlist. */
export function planTargetIssues(plan: { baseUrl: unknown; steps: unknown }, allowlist: Allowlist): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const target of planTargetUrls(plan)) {
    try {
      checkUrl(target.url, allowlist);
    } catch (error) {
      issues.push(issueOf(target, error));
    }
  }
  return issues;
}

/**
 * When a run starts: as planTargetIssues, then every target host resolved and every one of its addresses checked
 * (a host whose name is a template is refused unless the allowlist allows any host, by checkUrl).
 */
export async function resolvedTargetIssues(plan: { baseUrl: unknown; steps: unknown }, allowlist: Allowlist, lookup?: Lookup): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  for (const target of planTargetUrls(plan)) {
    try {
      const checked = checkUrl(target.url, allowlist);
      if (!checked.template) await resolveAndCheck(checked.host, checked.port, allowlist, lookup);
    } catch (error) {
      issues.push(issueOf(target, error));
    }
  }
  return issues;
}
