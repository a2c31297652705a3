// Slack incoming-webhook messages (ORRERY_SLACK_WEBHOOK_URL) in Block Kit: a header, a section per
// finding linking to it on the map, and a context line with its path, system, owner and tier.
// `text` is the notification's fallback. Slack's limits are kept: header 150 characters, section
// 3000, 50 blocks (a group shows its first findings and counts the rest). Pure.
import type { AlertFinding } from './alert-finding.ts';
import type { AlertEvent } from './webhook-payload.ts';

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'divider' };

/** Findings shown in one message; the rest of a group is counted (2 blocks each, 50 at most). */
export const MAX_FINDINGS_PER_MESSAGE = 10;
const DETAIL_CHARS = 600;

const SEVERITY_EMOJI: Record<string, string> = { CRITICAL: ':red_circle:', HIGH: ':large_orange_circle:', MEDIUM: ':large_yellow_circle:', LOW: ':large_blue_circle:', INFO: ':white_circle:' };
const EVENT_WORDS: Record<AlertEvent, string> = { opened: 'opened', resolved: 'resolved', reminder: 'still open' };

/** Slack mrkdwn reserves &, < and > (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** CASCADING_RISK_PATH -> "Cascading risk path". */
export function kindLabel(kind: string): string {
  const words = kind.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function contextLine(f: AlertFinding): string {
  const parts = [
    f.path && f.path.length > 1 ? `path ${f.path.map(escapeMrkdwn).join(' → ')}` : `${f.components.length === 1 ? 'component' : 'components'} ${f.components.slice(0, 6).map(escapeMrkdwn).join(', ')}${f.components.length > 6 ? ', …' : ''}`,
    f.systems.length > 0 && `system ${f.systems.map(escapeMrkdwn).join(', ')}`,
    f.owners.length > 0 && `owner ${f.owners.map(escapeMrkdwn).join(', ')}`,
    f.tier !== undefined && `tier ${f.tier}`,
  ].filter(Boolean);
  return parts.join(' · ');
}

function findingBlocks(event: AlertEvent, f: AlertFinding, withSeverity: boolean): SlackBlock[] {
  const link = `<${f.url}|${escapeMrkdwn(truncate(f.title, 200))}>`;
  const head = withSeverity ? `${SEVERITY_EMOJI[f.severity] ?? ''} *${f.severity}* ${link}` : `*${link}*`;
  const body = event === 'resolved' ? head : `${head}\n${escapeMrkdwn(truncate(f.detail, DETAIL_CHARS))}`;
  return [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(body, 3000) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(contextLine(f), 3000) }] },
  ];
}

/**
 * One message for findings of one event (one, or a group sharing `groupLabel`, e.g. "system shop").
 * `heldBack`: findings of this route the rate limit kept back since its last message.
 */
export function slackMessage(event: AlertEvent, findings: readonly AlertFinding[], options: { groupLabel?: string | undefined; heldBack?: number } = {}): SlackMessage {
  if (findings.length === 0) throw new Error('slackMessage needs at least one finding');
  const first = findings[0]!;
  const single = findings.length === 1;
  const mark = event === 'resolved' ? ':white_check_mark:' : event === 'reminder' ? ':repeat:' : SEVERITY_EMOJI[first.severity] ?? '';
  const title = single
    ? `${mark} ${event === 'opened' ? `${first.severity} · ` : `${kindLabel(EVENT_WORDS[event])} · `}${kindLabel(first.kind)}`
    : `${mark} ${findings.length} findings ${EVENT_WORDS[event]}${options.groupLabel ? ` · ${options.groupLabel}` : ''}`;
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(title, 150), emoji: true } }];
  const shown = findings.slice(0, MAX_FINDINGS_PER_MESSAGE);
  shown.forEach((f, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(...findingBlocks(event, f, !single || event !== 'opened'));
  });
  const notes: string[] = [];
  if (findings.length > shown.length) notes.push(`…and ${findings.length - shown.length} more ${event === 'resolved' ? 'resolved' : 'on the map'}`);
  if (options.heldBack) notes.push(`${options.heldBack} more held back by this route's rate limit`);
  if (notes.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join(' · ') }] });
  const text = single
    ? `${first.severity} ${kindLabel(first.kind).toLowerCase()} ${EVENT_WORDS[event]}: ${first.title}`
    : `${findings.length} findings ${EVENT_WORDS[event]}${options.groupLabel ? ` (${options.groupLabel})` : ''}: ${findings.map((f) => f.title).slice(0, 3).join('; ')}${findings.length > 3 ? '; …' : ''}`;
  return { text: truncate(text, 3000), blocks };
}
