import { createAuditLogRepository } from './audit-log.repository';
import { createConnectionRepository } from './connections.repository';
import { createDoNextRepository } from './do-next.repository';
import type { Db } from './database';
import { createDigestRepository } from './digests.repository';
import { createOAuthRepository } from './oauth.repository';
import { createEventRepository } from './events.repository';
import { createFlagRepository } from './flags.repository';
import { createFocusRepository } from './focus.repository';
import { createGroupRepository } from './groups.repository';
import { createInvitationRepository } from './invitations.repository';
import { createJobRepository } from './jobs.repository';
import { createLinksRepository } from './links.repository';
import { createMailAddressRepository } from './mail-addresses.repository';
import { createMemberRepository } from './members.repository';
import { createOutboxRepository } from './outbox.repository';
import { createPeopleRepository } from './people.repository';
import { createRotationRepository } from './rotations.repository';
import { createSessionRepository } from './sessions.repository';
import { createWorkspaceRepository } from './workspaces.repository';

export function createRepositories({ db }: { db: Db }) {
  return {
    workspaces: createWorkspaceRepository({ db }),
    members: createMemberRepository({ db }),
    connections: createConnectionRepository({ db }),
    events: createEventRepository({ db }),
    jobs: createJobRepository({ db }),
    oauth: createOAuthRepository({ db }),
    flags: createFlagRepository({ db }),
    outbox: createOutboxRepository({ db }),
    rotations: createRotationRepository({ db }),
    focus: createFocusRepository({ db }),
    people: createPeopleRepository({ db }),
    sessions: createSessionRepository({ db }),
    auditLog: createAuditLogRepository({ db }),
    mailAddresses: createMailAddressRepository({ db }),
    groups: createGroupRepository({ db }),
    invitations: createInvitationRepository({ db }),
    links: createLinksRepository({ db }),
    digests: createDigestRepository({ db }),
    doNext: createDoNextRepository({ db }),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;
