export { clampTimerMs, MAX_TIMER_MS, setLongTimeout } from './long-timeout.js';
