import { describe, expect, it } from 'vitest';
import { describeText, hasConferencingLink } from '../../src/domain/event-facts';

describe('describeText', () => {
  it('when there is no description, then nothing is present', () => {
    for (const input of [null, undefined, '', '   \n\t ', '<p> </p>', '<br><br>']) {
      expect(describeText(input)).toEqual({
        present: false,
        length: 0,
        hasAgenda: false,
        hasDocLink: false,
        mentionsDecision: false,
        mentionsLiveWork: false,
        mentionsReadout: false,
        invitesQuestions: false,
      });
    }
  });

  it.each([
    ['plain text', 'Quick sync on the launch', 24],
    ['surrounding whitespace is not counted', '  hello  ', 5],
    ['HTML tags are stripped', '<p>Hello <b>team</b></p>', 10],
    ['entities are decoded', 'R&amp;D &lt;3 &#x1F600;', 8],
    ['code points, not UTF-16 units', 'Rapat 😀', 7],
    ['a link href is not counted', '<a href="https://docs.google.com/document/d/1">notes</a>', 5],
  ])('when the description is %s, then length counts its plain text', (_name, text, length) => {
    const facts = describeText(text);
    expect(facts.present).toBe(true);
    expect(facts.length).toBe(length);
  });

  it.each([
    ['an "Agenda" heading', 'Agenda\nBudget review', true],
    ['an inline "Agenda:"', 'Agenda: budget, hiring', true],
    ['a Markdown heading', '## Agenda\n- budget', true],
    ['"Meeting agenda:"', 'Meeting agenda:\nbudget', true],
    ['an Indonesian "Agenda rapat" heading', 'AGENDA RAPAT\nStatus proyek', true],
    ['a numbered list of two', 'Topics\n1. Budget\n2. Hiring', true],
    ['a parenthesised numbered list', '1) Budget\n2) Hiring', true],
    ['a bulleted list of two', '- Budget\n- Hiring', true],
    ['"•" bullets', '• Budget\n• Hiring', true],
    ['an HTML list', '<ul><li>Budget</li><li>Hiring</li></ul>', true],
    ['an HTML ordered list with a bold heading', '<b>Agenda rapat</b><ol><li>Status</li></ol>', true],
    ['a single bullet', '- Budget', false],
    ['prose mentioning agendas', 'No hidden agendas here, just coffee', false],
    ['plain prose', 'Catch up on the launch', false],
    ['a date, not a list', '2. November is the deadline', false],
  ])('when the description has %s, then hasAgenda is %s', (_name, text, expected) => {
    expect(describeText(text).hasAgenda).toBe(expected);
  });

  it.each([
    ['Google Docs', 'Notes: https://docs.google.com/document/d/1AbC/edit', true],
    ['Google Drive', 'https://drive.google.com/file/d/1xyz/view', true],
    ['SharePoint', 'https://acme.sharepoint.com/sites/eng/Shared%20Documents/plan.docx', true],
    ['SharePoint personal', 'https://acme-my.sharepoint.com/:w:/p/ayu/abc', true],
    ['OneDrive', 'https://onedrive.live.com/edit.aspx?resid=1', true],
    ['1drv.ms', 'https://1drv.ms/w/s!Abc', true],
    ['Notion', 'https://www.notion.so/acme/Plan-123', true],
    ['Notion site', 'https://acme.notion.site/Plan-123', true],
    ['Confluence Cloud', 'https://acme.atlassian.net/wiki/spaces/ENG/pages/1', true],
    ['self-hosted Confluence', 'https://confluence.acme.com/display/ENG/Plan', true],
    ['Confluence under a path', 'https://intranet.acme.com/confluence/display/ENG', true],
    ['Dropbox Paper', 'https://www.dropbox.com/paper/doc/Plan--abc', true],
    ['Quip', 'https://acme.quip.com/AbCdEf/Plan', true],
    ['Coda', 'https://coda.io/d/Plan_dAbC', true],
    ['a link without a scheme', 'see docs.google.com/document/d/1', true],
    ['a doc link only in an href', '<a href="https://docs.google.com/document/d/1">the doc</a>', true],
    ['a Meet link', 'https://meet.google.com/abc-defg-hij', false],
    ['a look-alike host', 'https://docs.google.com.evil.example/x https://notdocs.google.com/x', false],
    ['a sharepoint look-alike', 'https://sharepoint.com.evil.example/x', false],
    ['a Dropbox file (not Paper)', 'https://www.dropbox.com/s/abc/file.pdf', false],
    ['no link', 'Bring your ideas', false],
  ])('when the description links %s, then hasDocLink is %s', (_name, text, expected) => {
    expect(describeText(text).hasDocLink).toBe(expected);
  });
});

describe('hasConferencingLink', () => {
  it.each([
    ['Google Meet', 'Join: https://meet.google.com/abc-defg-hij', true],
    ['Zoom', 'https://us02web.zoom.us/j/81234567890?pwd=abc', true],
    ['Zoom personal room', 'https://acme.zoom.us/my/ayu', true],
    ['Zoom without subdomain', 'https://zoom.us/j/123', true],
    ['Teams work', 'Click here<https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc@thread.v2/0>', true],
    ['Teams short link', 'https://teams.microsoft.com/meet/2939?p=abc', true],
    ['Teams personal', 'https://teams.live.com/meet/9876543210', true],
    ['Webex', 'https://acme.webex.com/acme/j.php?MTID=m123', true],
    ['Webex meet', 'https://acme.webex.com/meet/ayu', true],
    ['Whereby', 'https://whereby.com/acme-standup', true],
    ['Chime', 'https://chime.aws/1234567890', true],
    ['a link without a scheme', 'meet.google.com/abc-defg-hij', true],
    ['nothing', 'Room 4', false],
    ['empty', '', false],
    ['null', null, false],
    ['a Zoom marketing page', 'https://zoom.us/pricing', false],
    ['a look-alike host', 'https://notmeet.google.com/abc https://meet.google.com.evil.example', false],
    ['the word teams', 'Microsoft Teams Meeting', false],
  ])('when the text holds %s, then it is %s', (_name, text, expected) => {
    expect(hasConferencingLink(text)).toBe(expected);
  });
});

describe('describeText: the purpose a description states', () => {
  const facts = (text: string) => {
    const { mentionsDecision, mentionsLiveWork, mentionsReadout, invitesQuestions } = describeText(text);
    return { mentionsDecision, mentionsLiveWork, mentionsReadout, invitesQuestions };
  };
  const none = { mentionsDecision: false, mentionsLiveWork: false, mentionsReadout: false, invitesQuestions: false };

  it.each([
    ['This is a working session to decide budget allocations for Q1.', { ...none, mentionsDecision: true, mentionsLiveWork: true }],
    ['FYI only: a readout of last week’s metrics. No need to prepare.', { ...none, mentionsReadout: true }],
    ['Bring your questions — open Q&A with the platform team.', { ...none, invitesQuestions: true }],
    ['<p>We will <b>pair</b> on the billing refactor at the whiteboard.</p>', { ...none, mentionsLiveWork: true }],
    ['Rapat ini untuk memutuskan vendor cloud.', { ...none, mentionsDecision: true }],
    ['Sosialisasi kebijakan baru, sekadar informasi.', { ...none, mentionsReadout: true }],
    ['Präsentation der Quartalszahlen, danach Fragen.', { ...none, mentionsReadout: true, invitesQuestions: true }],
    ['Dial-in details below.', none],
  ])('when the description says "%s", then the facts are %o', (text, expected) => {
    expect(facts(text)).toEqual(expected);
  });

  it('when a link carries purpose words, then they are not read as a statement ("…/decision-log")', () => {
    expect(facts('Notes: https://docs.google.com/document/d/decision-log-workshop')).toEqual(none);
  });

  it('when facts are taken, then nothing of the text is kept', () => {
    const json = JSON.stringify(describeText('Working session to decide the Atlas budget; bring questions.'));
    expect(json).not.toMatch(/Atlas|budget|session/i);
  });
});
