import { BODY_TOO_LARGE } from '../request-state';
import { GOLEM_MAX_BODY_BYTES, NOT_JSON_CONTENT_TYPE, neutraliseGolemContentType, readGolemRequest, transportFailure } from './golem-request';
import { GOLEM_ROUTES } from './golem-routes';

const B = '01980a3c-8e63-7b52-8e1f-6a3c9d2f5b02';
const P = '01980a3d-0f74-7d10-b020-7b4dae306c10';

describe('transportFailure (§3.0 step 5)', () => {
  it('given a Content-Type other than application/json, then 415, parameters and case aside', () => {
    expect(transportFailure('text/plain', undefined, '{}')).toBe(415);
    expect(transportFailure('', undefined, '{}')).toBe(415);
    expect(transportFailure('application/jsonx', undefined, '{}')).toBe(415);
    expect(transportFailure('application/x-www-form-urlencoded', undefined, 'a=b')).toBe(415);
    expect(transportFailure('application/json', undefined, '{}')).toBeNull();
    expect(transportFailure('Application/JSON; charset=utf-8', undefined, '{}')).toBeNull();
    expect(transportFailure(undefined, undefined, '{}')).toBeNull();
  });

  it('given a body over 65,536 bytes, then 413; exactly 65,536 is fine; the wrong Content-Type is reported first', () => {
    const exact = `"${'a'.repeat(GOLEM_MAX_BODY_BYTES - 2)}"`;
    expect(transportFailure('application/json', undefined, exact)).toBeNull();
    expect(transportFailure('application/json', undefined, `${exact} `)).toBe(413);
    // Bytes, not characters: 'é' is two bytes in UTF-8.
    expect(transportFailure(undefined, undefined, 'é'.repeat(GOLEM_MAX_BODY_BYTES / 2 + 1))).toBe(413);
    expect(transportFailure(undefined, String(GOLEM_MAX_BODY_BYTES + 1), 'x')).toBe(413);
    expect(transportFailure('application/json', undefined, BODY_TOO_LARGE)).toBe(413);
    expect(transportFailure('text/plain', undefined, BODY_TOO_LARGE)).toBe(415);
  });

  it('given no body, then no transport failure (the body is then missing, a syntax problem)', () => {
    expect(transportFailure(undefined, undefined, undefined)).toBeNull();
  });
});

describe('neutraliseGolemContentType (Fastify onRequest, before its own 415)', () => {
  const after = (url: string, contentType: string | undefined) => {
    const request = { url, headers: contentType === undefined ? {} : { 'content-type': contentType } };
    neutraliseGolemContentType(request);
    return (request.headers as Record<string, string | undefined>)['content-type'];
  };

  it('given a /v1 Content-Type Fastify cannot parse, then one it can, which step 5 still refuses', () => {
    for (const unparsable of ['', 'json', 'a b/c', '/', 'json; charset=utf-8']) {
      expect(after('/v1/projects', unparsable)).toBe(NOT_JSON_CONTENT_TYPE);
      expect(transportFailure(after('/v1/projects', unparsable), undefined, '{}')).toBe(415);
    }
    expect(after('/v1', 'text/plain')).toBe(NOT_JSON_CONTENT_TYPE);
  });

  it('given JSON (parameters and case aside), no Content-Type, or a path outside /v1, then the header is left alone', () => {
    expect(after('/v1/projects', 'Application/JSON; charset=utf-8')).toBe('Application/JSON; charset=utf-8');
    expect(after('/v1/projects', undefined)).toBeUndefined();
    expect(after('/management/v1/orgs', '')).toBe('');
    expect(after('/v1x/projects', 'json')).toBe('json');
  });
});

describe('readGolemRequest (§3.0 step 6, §1.4)', () => {
  const R = GOLEM_ROUTES;

  it('given a non-UUID path id, then `<param>: must be a UUID` (scenario 17); UUIDs are lower-cased', () => {
    expect(readGolemRequest(R.getProjectGrants, { project_id: 'not-a-uuid' }, {}, undefined)).toEqual({ ok: false, problems: ['project_id: must be a UUID'] });
    expect(readGolemRequest(R.getProjectPolicy, { project_policy_id: 'xyz' }, {}, undefined)).toEqual({ ok: false, problems: ['project_policy_id: must be a UUID'] });
    const read = readGolemRequest(R.getProjectGrant, { project_id: P.toUpperCase(), grant_id: B.toUpperCase() }, {}, undefined);
    expect(read).toEqual({ ok: true, input: { params: { project_id: P, grant_id: B }, projectName: undefined, body: undefined } });
  });

  it('given account ids, then any text of 1–200 characters is kept as given', () => {
    expect(readGolemRequest(R.getAccount, { account_id: 'Admin' }, {}, undefined)).toMatchObject({ ok: true, input: { params: { account_id: 'Admin' } } });
    expect(readGolemRequest(R.getAccount, { account_id: '😀'.repeat(200) }, {}, undefined)).toMatchObject({ ok: true });
    expect(readGolemRequest(R.getAccount, { account_id: 'a'.repeat(201) }, {}, undefined)).toEqual({ ok: false, problems: ['account_id: must be at most 200 characters'] });
  });

  it('given problems everywhere, then path parameters in path order, then body', () => {
    expect(readGolemRequest(R.getToken, { account_id: 'x'.repeat(201), token_id: 'nope' }, {}, undefined)).toEqual({
      ok: false,
      problems: ['account_id: must be at most 200 characters', 'token_id: must be a UUID'],
    });
    expect(readGolemRequest(R.createProjectGrant, { project_id: 'P' }, {}, '{"projectActions":["Foo"],"granteeAccountId":1}')).toEqual({
      ok: false,
      problems: ['project_id: must be a UUID', 'granteeAccountId: must be a string', 'projectActions[0]: unknown action `Foo`'],
    });
  });

  it('given project-name, then at most 200 characters, a repeated one counts by its last value, other query parameters are ignored', () => {
    expect(readGolemRequest(R.getProjects, {}, { 'project-name': 'shop', other: 'x' }, undefined)).toEqual({ ok: true, input: { params: {}, projectName: 'shop', body: undefined } });
    expect(readGolemRequest(R.getProjects, {}, { 'project-name': ['a', ''] }, undefined)).toMatchObject({ ok: true, input: { projectName: '' } });
    expect(readGolemRequest(R.getProjects, {}, {}, undefined)).toMatchObject({ ok: true, input: { projectName: undefined } });
    expect(readGolemRequest(R.getProjects, {}, { 'project-name': 'n'.repeat(201) }, undefined)).toEqual({ ok: false, problems: ['project-name: must be at most 200 characters'] });
  });

  it('given the grant bodies of scenario 34, then exactly its answers', () => {
    const grant = (raw: string) => readGolemRequest(R.createProjectGrant, { project_id: P }, {}, raw);
    expect(grant(`{"granteeAccountId":"${B}","projectActions":["Foo"]}`)).toEqual({ ok: false, problems: ['projectActions[0]: unknown action `Foo`'] });
    expect(grant(`{"granteeAccountId":"${B}"}`)).toEqual({ ok: false, problems: ['projectActions: is required'] });
    expect(grant('{"granteeAccountId":{"$gt":""},"projectActions":[]}')).toEqual({ ok: false, problems: ['granteeAccountId: must be a string'] });
    expect(grant(`{"granteeAccountId":"${B}","projectActions":[],"$where":"1"}`)).toEqual({ ok: false, problems: ['$where: unknown field'] });
    expect(grant('{not json')).toEqual({ ok: false, problems: ['body: invalid JSON'] });
  });

  it('given a valid grant body, then the GrantInput: optional nulls absent, actions a set, policy id lower-cased, last repeated key wins', () => {
    const raw = `{"granteeAccountId":"nobody","granteeEmail":null,"projectPolicyId":"${P.toUpperCase()}","projectActions":["DeleteProject","ViewComponent","DeleteProject"],"projectActions":["ViewWorker","ViewComponent"]}`;
    expect(readGolemRequest(R.createProjectGrant, { project_id: P }, {}, raw)).toEqual({
      ok: true,
      input: { params: { project_id: P }, projectName: undefined, body: { granteeAccountId: 'nobody', projectPolicyId: P, projectActions: ['ViewComponent', 'ViewWorker'] } },
    });
  });

  it('given no body, an empty one, null or a non-object, then `body: …`', () => {
    const account = (raw: unknown) => readGolemRequest(R.createAccount, {}, {}, raw);
    expect(account(undefined)).toEqual({ ok: false, problems: ['body: is required'] });
    expect(account(' \r\n')).toEqual({ ok: false, problems: ['body: is required'] });
    expect(account('null')).toEqual({ ok: false, problems: ['body: is required'] });
    for (const raw of ['[]', '"x"', '1', 'true']) expect(account(raw)).toEqual({ ok: false, problems: ['body: must be a JSON object'] });
    expect(account('{"name":"X","email":"x@example.com"} x')).toEqual({ ok: false, problems: ['body: invalid JSON'] });
  });

  it('given account and token bodies, then their rules: both account fields required, the e-mail format, expiresAt as an instant', () => {
    expect(readGolemRequest(R.createAccount, {}, {}, '{"email":"bad"}')).toEqual({ ok: false, problems: ['name: is required', 'email: must be a valid email address'] });
    expect(readGolemRequest(R.createAccount, {}, {}, `{"name":"${'n'.repeat(201)}","email":"${'e'.repeat(250)}@x.io"}`)).toEqual({
      ok: false,
      problems: ['name: must be at most 200 characters', 'email: must be at most 254 characters'],
    });
    const token = readGolemRequest(R.createToken, { account_id: 'admin' }, {}, '{"expiresAt":"2000-01-01T01:00:00+01:00"}');
    expect(token).toEqual({ ok: true, input: { params: { account_id: 'admin' }, projectName: undefined, body: { expiresAt: new Date('2000-01-01T00:00:00Z') } } });
    expect(readGolemRequest(R.createToken, { account_id: 'admin' }, {}, '{"expiresAt":"2100-01-01"}')).toEqual({
      ok: false,
      problems: ['expiresAt: must be an RFC 3339 date-time'],
    });
    expect(readGolemRequest(R.createToken, { account_id: 'admin' }, {}, '{}')).toEqual({ ok: false, problems: ['expiresAt: is required'] });
  });

  it('given project bodies, then all three fields required, name and description may be empty', () => {
    expect(readGolemRequest(R.createProject, {}, {}, '{"name":"","ownerAccountId":"a","description":""}')).toMatchObject({ ok: true });
    expect(readGolemRequest(R.createProject, {}, {}, `{"description":"${'d'.repeat(2001)}"}`)).toEqual({
      ok: false,
      problems: ['name: is required', 'ownerAccountId: is required', 'description: must be at most 2000 characters'],
    });
  });
});
