/** English purpose lexicon. Plurals and -ing/-ed forms are found by the suffix rules. */
import type { Lexicon, LexiconEntry, PurposeClass } from './types';

const of = (cls: PurposeClass, ...terms: string[]): LexiconEntry[] => terms.map((term) => ({ term, class: cls }));

export const en: Lexicon = {
  language: 'en',
  name: 'English',
  prefixes: [],
  suffixes: ['s', 'es', 'ing', 'ed'],
  compounds: false,
  entries: [
    ...of('status', 'status', 'update', 'sync', 'sync-up', 'syncup', 'check-in', 'checkin', 'stand-up', 'standup', 'daily scrum', 'scrum',
      'weekly', 'report', 'progress', 'huddle', 'touch base', 'catch-up', 'wbr', 'mbr', 'handover', 'handoff', 'briefing',
      'metrics review', 'kpi review', 'ops review', 'business review', 'pipeline review', 'round-up', 'roundup'),
    ...of('readout', 'readout', 'read-out', 'fyi', 'for your information', 'for information', 'recap', 'newsletter', 'results', 'summary', 'digest'),
    ...of('broadcast', 'all-hands', 'allhands', 'town hall', 'townhall', 'webinar', 'keynote', 'company meeting', 'broadcast', 'livestream',
      'announcement', 'presentation', 'walkthrough', 'walk-through', 'showcase', 'demo', 'show and tell', 'tech talk', 'lecture', 'qbr'),
    ...of('decision', 'decision', 'decide', 'approval', 'approve', 'sign-off', 'signoff', 'go/no-go', 'steering', 'vote'),
    ...of('live', 'brainstorm', 'workshop', 'working session', 'work session', 'retro', 'retrospective', 'reflection', 'planning', 'kickoff',
      'kick-off', 'hackathon', 'design session', 'design jam', 'design sprint', 'critique', 'whiteboard', 'pairing', 'pair programming',
      'mob programming', 'mob session', 'ensemble programming', 'postmortem', 'post-mortem', 'council', 'committee', 'roundtable',
      'round table', 'sprint review', 'health check', 'discussion', 'deep dive', 'bug bash', 'offsite', 'off-site', 'training',
      'mentoring', 'coaching', 'interview', 'hands-on'),
    ...of('questions', 'q&a', 'ama', 'ask me anything', 'office hours', 'drop-in', 'dropin', 'clinic', 'questions', 'question'),
    ...of('social', 'social', 'happy hour', 'lunch', 'dinner', 'breakfast', 'coffee', 'drinks', 'party', 'farewell', 'goodbye', 'birthday',
      'celebration', 'celebrate', 'team building', 'trivia'),
    ...of('incident', 'urgent', 'outage', 'war room', 'warroom', 'sev', 'p0', 'emergency', 'hotfix', 'escalation', 'asap'),
    ...of('one_on_one', '1:1', '1 on 1', '1on1', 'one-on-one', 'o3', 'skip-level'),
  ],
};
