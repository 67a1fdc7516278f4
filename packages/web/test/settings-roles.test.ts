import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allows, apiKeyRoles, invitableRoles, mayChangeMembership, memberControls, parseRole, roleLabel } from '../src/settings/roles.ts';

test('viewers and members only read the settings', () => {
  for (const role of ['viewer', 'member'] as const) {
    assert.equal(allows(role, 'ViewProjects'), true, role);
    assert.equal(allows(role, 'ViewMembers'), true, role);
    for (const action of ['ManageProjects', 'ManageMembers', 'ManageApiKeys', 'ViewAudit', 'ManageOwners'] as const) {
      assert.equal(allows(role, action), false, `${role} ${action}`);
    }
  }
  assert.equal(allows('admin', 'ViewAudit'), true);
  assert.equal(allows('admin', 'ManageOwners'), false);
  assert.equal(allows('owner', 'ManageOwners'), true);
  assert.equal(allows(null, 'ViewProjects'), false, 'an unknown role may nothing');
});

test('only owners touch the owner role (policy::may_change_membership)', () => {
  assert.equal(mayChangeMembership('admin', null, 'admin'), true);
  assert.equal(mayChangeMembership('admin', 'member', null), true);
  assert.equal(mayChangeMembership('admin', null, 'owner'), false);
  assert.equal(mayChangeMembership('admin', 'owner', 'admin'), false);
  assert.equal(mayChangeMembership('admin', 'owner', null), false);
  assert.equal(mayChangeMembership('owner', 'owner', 'viewer'), true);
  assert.equal(mayChangeMembership('member', null, 'viewer'), false);
});

test('invitations and API keys offer only the roles the caller may give', () => {
  assert.deepEqual(invitableRoles('owner'), ['owner', 'admin', 'member', 'viewer']);
  assert.deepEqual(invitableRoles('admin'), ['admin', 'member', 'viewer']);
  assert.deepEqual(invitableRoles('member'), []);
  assert.deepEqual(apiKeyRoles('owner'), ['owner', 'admin', 'member', 'viewer']);
  assert.deepEqual(apiKeyRoles('admin'), ['admin', 'member', 'viewer']);
  assert.deepEqual(apiKeyRoles('viewer'), []);
});

test("a member row's controls follow the caller's role", () => {
  const member = { role: 'member', is_you: false };
  const owner = { role: 'owner', is_you: false };
  assert.deepEqual(memberControls('owner', member), { roles: ['owner', 'admin', 'member', 'viewer'], canRemove: true, canResetPassword: true });
  assert.deepEqual(memberControls('admin', member), { roles: ['admin', 'member', 'viewer'], canRemove: true, canResetPassword: true });
  assert.deepEqual(memberControls('admin', owner), { roles: ['owner'], canRemove: false, canResetPassword: false }, 'admins leave owners alone');
  assert.deepEqual(memberControls('viewer', member), { roles: ['member'], canRemove: false, canResetPassword: false });
  assert.deepEqual(memberControls('member', member), { roles: ['member'], canRemove: false, canResetPassword: false });
  const self = memberControls('owner', { role: 'owner', is_you: true });
  assert.equal(self.canResetPassword, false, 'one changes one\'s own password on the Account page');
  assert.equal(self.canRemove, true, 'leaving is allowed (the server keeps a last owner)');
  assert.deepEqual(memberControls('owner', { role: 'superuser', is_you: false }).roles, [], 'unknown roles are not offered');
  assert.equal(memberControls('viewer', { role: 'viewer', is_you: true }).canRemove, true, 'a viewer may leave');
  assert.equal(memberControls('member', { role: 'member', is_you: true }).canRemove, true, 'a member may leave');
});

test('role names', () => {
  assert.equal(parseRole('admin'), 'admin');
  assert.equal(parseRole('Admin'), null);
  assert.equal(parseRole(undefined), null);
  assert.equal(roleLabel('viewer'), 'Viewer');
});
