import { History, at } from '../../../test/support/given';
import { orgAdded, primaryDomainSet, userRemoved } from '../../../test/support/events';
import { project } from '../../../test/support/memory-view';
import type { UserEvent } from '../user.events';
import { USERS, usersProjection } from './users.projection';

const C = 'customer';
const byC = { resourceOwner: C };

const customerA = (history: History) => history.record(`org-${C}`, [orgAdded('Customer A'), primaryDomainSet('customer-a.localhost')], { resourceOwner: C });

describe('users projection', () => {
  it('given a human user in Customer A, then a user document with details, profile, email, phone and login name', async () => {
    const history = new History();
    customerA(history); // 1, 2
    history.record<UserEvent>(
      'user-gigi',
      {
        type: 'user.human.added',
        data: {
          userName: 'gigi',
          firstName: 'Gigi',
          lastName: 'Giraffe',
          nickName: 'G',
          displayName: 'Gigi Giraffe',
          preferredLanguage: 'de',
          gender: 1,
          email: 'gigi@example.com',
          isEmailVerified: true,
          phone: '+41000',
          isPhoneVerified: false,
        },
      },
      byC,
    ); // 3

    const view = await project(usersProjection, history.events);

    expect(view.docs(USERS)).toEqual([
      {
        id: 'gigi',
        sequence: 1,
        creationDate: at(3).toISOString(),
        changeDate: at(3).toISOString(),
        resourceOwner: C,
        createdPosition: 3,
        state: 'active',
        userName: 'gigi',
        preferredLoginName: 'gigi@customer-a.localhost',
        human: {
          profile: { firstName: 'Gigi', lastName: 'Giraffe', nickName: 'G', displayName: 'Gigi Giraffe', preferredLanguage: 'de', gender: 1 },
          email: { email: 'gigi@example.com', isEmailVerified: true },
          phone: { phone: '+41000', isPhoneVerified: false },
        },
      },
    ]);
  });

  it('given a human user with only the required fields, then the optional ones have their zero values', async () => {
    const history = new History();
    customerA(history);
    history.record<UserEvent>(
      'user-gigi',
      { type: 'user.human.added', data: { userName: 'gigi', firstName: 'Gigi', lastName: 'G', displayName: 'Gigi G', email: 'g@example.com' } },
      byC,
    );

    const view = await project(usersProjection, history.events);

    expect(await view.get(USERS, 'gigi')).toMatchObject({
      human: {
        profile: { nickName: '', preferredLanguage: '', gender: 0 },
        email: { isEmailVerified: false },
        phone: { phone: '', isPhoneVerified: false },
      },
    });
  });

  it('given a machine user, then a user document with the machine fields', async () => {
    const history = new History();
    customerA(history);
    history.record<UserEvent>('user-robot', { type: 'user.machine.added', data: { userName: 'robot', name: 'Robot', accessTokenType: 1 } }, byC);

    const view = await project(usersProjection, history.events);

    const doc = await view.get(USERS, 'robot');
    expect(doc).toMatchObject({ preferredLoginName: 'robot@customer-a.localhost', machine: { name: 'Robot', description: '', accessTokenType: 1 } });
    expect(doc).not.toHaveProperty('human');
  });

  it('given user.removed, then the document is gone and other users stay', async () => {
    const history = new History();
    customerA(history);
    history.record<UserEvent>('user-robot', { type: 'user.machine.added', data: { userName: 'robot', name: 'Robot' } }, byC);
    history.record<UserEvent>('user-bot', { type: 'user.machine.added', data: { userName: 'bot', name: 'Bot' } }, byC);
    history.record<UserEvent>('user-robot', userRemoved, byC);

    const view = await project(usersProjection, history.events);

    expect(view.docs(USERS).map((doc) => doc.id)).toEqual(['bot']);
  });
});
