export { MemberList } from './member-list.js';
