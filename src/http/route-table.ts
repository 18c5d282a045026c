import FindMyWay, { type HTTPMethod } from 'find-my-way';

const METHODS: readonly HTTPMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** The routes the app serves, to tell "no such path" (404) from "not with this method" (405). */
export class RouteTable {
  private readonly router = FindMyWay();

  add(method: string | readonly string[], url: string): void {
    for (const one of Array.isArray(method) ? method : [method]) {
      if (!METHODS.includes(one as HTTPMethod)) continue;
      try {
        this.router.on(one as HTTPMethod, url, () => undefined);
      } catch {
        // The same route twice (HEAD twins and the like): one entry is enough.
      }
    }
  }

  allowsOtherMethod(method: string, path: string): boolean {
    // An empty segment (`/projects//roles`, a trailing slash) is never a path of the API: 404, not
    // 405, even though this router would match it with an empty parameter.
    if (path.split('/').slice(1).some((segment) => segment === '')) return false;
    return METHODS.some((other) => other !== method && this.router.find(other, path) !== null);
  }
}
