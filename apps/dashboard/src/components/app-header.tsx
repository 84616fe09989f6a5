import { UserMenu } from '../auth/user-menu.js';
import { MainNav } from './main-nav.js';
import { ThemeSwitch } from './theme-switch.js';

/** The top bar: the pages the user's role can use, who they are, and the theme. */
export function AppHeader() {
  return (
    <header className="flex items-center gap-4 border-b border-gray-200 px-4 py-2 dark:border-gray-800">
      <span className="font-bold">loadtest</span>
      <MainNav />
      <span className="ml-auto flex items-center gap-4">
        <UserMenu />
        <ThemeSwitch />
      </span>
    </header>
  );
}
