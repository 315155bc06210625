/** The other side of the chat load (bench/chat-load.ts), in a process of its own as Telegram would be: the
 * fake Bot API, and the users who send commands to it at a steady rate. Driven over IPC by the bench: it
 * answers `{ apiRoot }` on start, a run's figures for each `{ run }`, and exits on `{ stop }`. Alert latency is
 * read from the raise time the bench writes into each alert (`load-alert-N@epoch-ms`). */
import { pct } from './percentile.js';
import { FakeTelegram } from '../test/fakes/telegram-bot-api.js';

export interface DriverRun {
  rate: number;
  seconds: number;
  chats: number[];
  alertChats: number[];
  /** Alerts the bench will raise during the run, each to every alert chat. */
  alerts: number;
}

export interface DriverFigures {
  sent: number;
  answered: number;
  errors: number;
  replyP50: number;
  replyP99: number;
  alertsReceived: number;
  alertP50: number;
  alertP99: number;
}

const COMMANDS = ['/status', '/positions', '/picks'];
const tg = new FakeTelegram('3:load');

async function run(r: DriverRun): Promise<DriverFigures> {
  const pendingReply = new Map<string, number>(); // chat → when its command was sent
  const replyMs: number[] = [];
  const alertMs: number[] = [];
  let errors = 0;
  let sent = 0;
  let seen = tg.sent.length;
  const scan = () => {
    for (; seen < tg.sent.length; seen++) {
      const m = tg.sent[seen]!;
      const asked = pendingReply.get(m.chatId);
      if (asked !== undefined) {
        replyMs.push(m.at - asked);
        pendingReply.delete(m.chatId);
        if (/^(⛔|⚠️)/.test(m.text)) errors++;
        continue;
      }
      const raised = /load-alert-\d+@(\d+)/.exec(m.text)?.[1];
      if (raised) alertMs.push(m.at - Number(raised));
    }
    // Matched messages are dropped from the fake's record, so its memory stays flat.
    tg.sent.splice(0, seen);
    seen = 0;
  };
  const started = Date.now();
  const end = started + r.seconds * 1000;
  for (let i = 0; Date.now() < end; i++) {
    const due = started + (i * 1000) / r.rate;
    if (due > Date.now()) await new Promise((res) => setTimeout(res, due - Date.now()));
    const chat = r.chats[i % r.chats.length]!;
    if (pendingReply.has(String(chat))) errors++; // the previous command of this chat was never answered
    pendingReply.set(String(chat), Date.now());
    tg.sendText({ id: chat }, chat, COMMANDS[i % COMMANDS.length]!);
    sent++;
    if (i % 200 === 0) scan();
  }
  const drainUntil = Date.now() + 15_000;
  while ((pendingReply.size > 0 || alertMs.length < r.alerts * r.alertChats.length) && Date.now() < drainUntil) {
    await new Promise((res) => setTimeout(res, 50));
    scan();
  }
  errors += pendingReply.size;
  return { sent, answered: replyMs.length, errors, replyP50: pct(replyMs, 50), replyP99: pct(replyMs, 99), alertsReceived: alertMs.length, alertP50: pct(alertMs, 50), alertP99: pct(alertMs, 99) };
}

process.on('message', (m: { run?: DriverRun; stop?: true }) => {
  if (m.run) void run(m.run).then((figures) => process.send!({ figures }));
  if (m.stop) void tg.stop().then(() => process.exit(0));
});
process.send!({ apiRoot: await tg.start() });
