import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { BrowserRouter, NavLink, Navigate, Route, Routes } from 'react-router';
import { ThemeSwitch } from './components/theme-switch.js';
import { ComparePage } from './compare/compare-page.js';
import { RunPage } from './pages/run-page.js';
import { RunsPage } from './pages/runs-page.js';
import { WorkersPage } from './pages/workers-page.js';

// The launch form checks drafts with the master's own schemas (zod, libs/protocol, libs/execution): loaded when opened.
const LaunchPage = lazy(() => import('./launch/launch-page.js').then((module) => ({ default: module.LaunchPage })));
// The plan editor brings React Flow, dagre and the plan's schemas: loaded when opened, out of the first visit's bundle.
const EditorPage = lazy(() => import('./editor/editor-page.js').then((module) => ({ default: module.EditorPage })));

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } });

const navClass = ({ isActive }: { isActive: boolean }) => `rounded px-2 py-1 focus:outline-2 ${isActive ? 'bg-gray-200 font-semibold dark:bg-gray-800' : ''}`;

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <div className="min-h-screen bg-white text-gray-900 dark:bg-gray-950 dark:text-gray-100">
          <header className="flex items-center gap-4 border-b border-gray-200 px-4 py-2 dark:border-gray-800">
            <span className="font-bold">loadtest</span>
            <nav aria-label="Main" className="flex gap-2 text-sm">
              <NavLink to="/runs" className={navClass}>
                Runs
              </NavLink>
              <NavLink to="/workers" className={navClass}>
                Workers
              </NavLink>
              <NavLink to="/plans/new" className={navClass}>
                New plan
              </NavLink>
              <a href="/api/docs" className="rounded px-2 py-1">
                API
              </a>
            </nav>
            <span className="ml-auto">
              <ThemeSwitch />
            </span>
          </header>
          <main className="mx-auto max-w-screen-2xl p-4">
            <Routes>
              <Route path="/" element={<Navigate to="/runs" replace />} />
              <Route path="/runs" element={<RunsPage />} />
              <Route path="/runs/:id" element={<RunPage />} />
              <Route
                path="/plans/:id/launch"
                element={
                  <Suspense fallback={<p aria-busy="true">Loading…</p>}>
                    <LaunchPage />
                  </Suspense>
                }
              />
              {['/plans/new', '/plans/:id/edit'].map((path) => (
                <Route
                  key={path}
                  path={path}
                  element={
                    <Suspense fallback={<p aria-busy="true">Loading…</p>}>
                      <EditorPage />
                    </Suspense>
                  }
                />
              ))}
              <Route path="/compare" element={<ComparePage />} />
              <Route path="/workers" element={<WorkersPage />} />
              <Route path="*" element={<p>No such page.</p>} />
            </Routes>
          </main>
        </div>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
