// @ts-check
// The console's entry: signing in and out, and the two panels (commands, jobs).
import { isListedCommand, listCommands, RELAY_CODES } from './api.js';
import { renderCommand } from './commands.js';
import { byId, show } from './dom.js';
import { createJobs } from './jobs.js';

// The key lives in this tab's session storage only: gone when the tab closes or on sign-out.
const KEY = 'uscmdrelay.key';

const signInSection = byId('sign-in', HTMLElement);
const signInForm = byId('sign-in-form', HTMLFormElement);
const keyField = byId('key', HTMLInputElement);
const signInError = byId('sign-in-error', HTMLParagraphElement);
const signOutButton = byId('sign-out', HTMLButtonElement);
const who = byId('who', HTMLParagraphElement);
const commandsSection = byId('commands', HTMLElement);
const commandsStatus = byId('commands-status', HTMLParagraphElement);
const commandList = byId('command-list', HTMLUListElement);
const filter = byId('filter', HTMLInputElement);
const filterBox = byId('filter-box', HTMLDivElement);
const jobsSection = byId('jobs', HTMLElement);

function currentKey() {
  return sessionStorage.getItem(KEY) ?? '';
}

/** The relay refused the key (revoked meanwhile, or a SIGHUP): back to the sign-in form. @param {{ message: string }} answer */
function onUnauthorized(answer) {
  signOut();
  signInError.textContent = answer.message;
}

const jobs = createJobs({ key: currentKey, onUnauthorized });

/** @param {string} key @param {boolean} fresh */
async function signIn(key, fresh) {
  signInError.textContent = '';
  const answer = await listCommands(key);
  if (answer.code !== RELAY_CODES.OK) {
    sessionStorage.removeItem(KEY);
    signInError.textContent = answer.code === -1 ? answer.message : `${answer.message} (code ${answer.code})`;
    showSignedIn(false);
    keyField.focus();
    return;
  }
  sessionStorage.setItem(KEY, key);
  keyField.value = '';
  const commands = Array.isArray(answer.commands) ? answer.commands.filter(isListedCommand) : [];
  const context = { key: currentKey, onUnauthorized, onJobStarted: (/** @type {string} */ id) => {
    void jobs.follow(id);
    void jobs.refresh();
  } };
  commandList.replaceChildren(...commands.map((command) => renderCommand(command, context)));
  commandsStatus.textContent = commands.length === 0 ? 'This key may run no command.' : `${commands.length} ${commands.length === 1 ? 'command' : 'commands'} this key may run`;
  filter.value = '';
  show(filterBox, commands.length > 6);
  who.textContent = 'signed in';
  showSignedIn(true);
  if (fresh) byId('commands-title', HTMLHeadingElement).focus();
  void jobs.refresh();
  jobs.resume();
}

/** @param {boolean} signedIn */
function showSignedIn(signedIn) {
  show(signInSection, !signedIn);
  show(commandsSection, signedIn);
  show(jobsSection, signedIn);
  show(signOutButton, signedIn);
  show(who, signedIn);
}

function signOut() {
  sessionStorage.clear();
  jobs.reset();
  commandList.replaceChildren();
  showSignedIn(false);
  keyField.focus();
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = keyField.value.trim();
  if (key !== '') void signIn(key, true);
});
signOutButton.addEventListener('click', signOut);
filter.addEventListener('input', () => {
  const wanted = filter.value.trim().toLowerCase();
  for (const item of commandList.children) {
    if (item instanceof HTMLElement) item.hidden = wanted !== '' && !(item.textContent ?? '').toLowerCase().includes(wanted);
  }
});

const saved = currentKey();
if (saved === '') showSignedIn(false);
else void signIn(saved, false);
