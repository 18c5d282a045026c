import { HttpException, NotFoundException } from '@nestjs/common';
import { GolemError, accountAccessDenied, adminOnly, projectAccessDenied, projectActionDenied } from '../../golem/golem-error';
import { DomainError } from '../../kernel/domain-error';
import { golemErrorAnswer } from './golem-error.filter';
import { GolemHttpError, syntaxErrors } from './golem-http-error';

const P = '01980a3d-0f74-7d10-b020-7b4dae306c10';

function answerTo(exception: unknown, method = 'GET', url = '/v1/projects') {
  const logged: string[] = [];
  const answer = golemErrorAnswer(exception, method, url, { error: (message) => logged.push(message) });
  return { status: answer.status, body: answer.body, headers: answer.headers, logged };
}

describe('golemErrorAnswer (§1.4, §1.5, §3.1)', () => {
  it('maps each GolemError kind to its status and body shape', () => {
    expect(answerTo(projectAccessDenied(P))).toMatchObject({ status: 401, body: { error: `Access to project \`${P}\` is not allowed` } });
    expect(answerTo(projectActionDenied('DeleteProject', P))).toMatchObject({ status: 401, body: { error: `Action \`DeleteProject\` is not allowed on project \`${P}\`` } });
    expect(answerTo(accountAccessDenied('nobody'))).toMatchObject({ status: 401, body: { error: 'Access to account `nobody` is not allowed' } });
    expect(answerTo(adminOnly())).toMatchObject({ status: 401, body: { error: 'Action is only allowed for [Admin]' } });
    expect(answerTo(new GolemError('bad_request', 'Account Not Found: nobody'))).toMatchObject({ status: 400, body: { errors: ['Account Not Found: nobody'] } });
    expect(answerTo(new GolemError('not_found', 'Project grant not found'))).toMatchObject({ status: 404, body: { error: 'Project grant not found' } });
    expect(answerTo(new GolemError('conflict', 'Account with email `b@x` already exists'))).toMatchObject({ status: 409, body: { error: 'Account with email `b@x` already exists' } });
  });

  it('answers the platform giving up on concurrent modification with 409', () => {
    expect(answerTo(new DomainError('conflict', 'COMMAND-x', 'wrong expected revision'))).toMatchObject({
      status: 409,
      body: { error: 'Conflict: concurrent modification, retry the request' },
    });
  });

  it('passes pipeline answers through unchanged', () => {
    expect(answerTo(syntaxErrors(['a: is required']))).toMatchObject({ status: 400, body: { errors: ['a: is required'] } });
  });

  it('answers routes that do not exist with 404, and known paths with the wrong method with 405 + Allow', () => {
    expect(answerTo(new NotFoundException(), 'GET', '/v1/nothing')).toMatchObject({ status: 404, body: { error: 'Route not found' }, headers: {} });
    expect(answerTo(new NotFoundException(), 'POST', '/v1/projects/default')).toMatchObject({ status: 404, body: { error: 'Route not found' } });
    expect(answerTo(new NotFoundException(), 'GET', '/v1/accounts')).toEqual({ status: 405, body: { error: 'Method not allowed' }, headers: { allow: 'POST' }, logged: [] });
    expect(answerTo(new NotFoundException(), 'PUT', `/v1/project-policies/${P}`)).toMatchObject({ status: 405, headers: { allow: 'GET' } });
  });

  it("answers Fastify's own refusals of a body in Golem's words", () => {
    // Nest hands them over as HttpExceptions with Fastify's status.
    expect(answerTo(new HttpException('Unsupported Media Type', 415), 'POST')).toMatchObject({
      status: 415,
      body: { error: 'Unsupported Content-Type: expected application/json' },
    });
    expect(answerTo(new HttpException('Payload Too Large', 413), 'POST')).toMatchObject({ status: 413, body: { error: 'Request body too large: limit is 65536 bytes' } });
  });

  it('answers anything else with 500 and a reference; the cause is logged under that reference and never sent', () => {
    const outcome = answerTo(new DomainError('internal', 'X-1', 'driver said: secret detail'));
    expect(outcome.status).toBe(500);
    const error = (outcome.body as { error: string }).error;
    const reference = /^Internal server error \(reference ([0-9a-f-]{36})\)$/.exec(error)?.[1];
    expect(reference).toBeDefined();
    expect(error).not.toContain('secret detail');
    expect(outcome.logged).toHaveLength(1);
    expect(outcome.logged[0]).toContain(`reference ${reference ?? ''}`);
    expect(outcome.logged[0]).toContain('secret detail');
    expect(answerTo('a thrown string').status).toBe(500);
  });

  it('keeps GolemHttpError bodies as given', () => {
    const error = new GolemHttpError(503, { error: 'x' }, { 'retry-after': '1' });
    expect(answerTo(error)).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
  });
});
