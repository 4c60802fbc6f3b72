export { clampTimerMs, MAX_TIMER_MS, setLongTimeout, waitForEvent } from './long-timeout.js';
