export {
  Inbox,
  type InboxConnection,
  type InboxMessage,
  type InboxOptions,
  type NewNotification,
} from './inbox.js';
export {
  type AfterCommit,
  DurableScheduler,
  type DurableSchedulerOptions,
  type FiringTimer,
  type TimerHandler,
  type TimerSpec,
} from './scheduler.js';
