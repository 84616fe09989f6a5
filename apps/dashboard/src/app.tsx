import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from './api/client.js';
import { AuthProvider } from './auth/auth-provider.js';
import { LoginPage } from './auth/login-page.js';
import { RequireAuth } from './auth/require-auth.js';
import { RequireRole } from './auth/require-role.js';
import { AppHeader } from './components/app-header.js';
import { ComparePage } from './compare/compare-page.js';
import { RunPage } from './pages/run-page.js';
import { RunsPage } from './pages/runs-page.js';
import { WorkersPage } from './pages/workers-page.js';

// The launch form checks drafts with the master's own schemas (zod, libs/protocol, libs/execution): loaded when opened.
const LaunchPage = lazy(() => import('./launch/launch-page.js').then((module) => ({ default: module.LaunchPage })));
// The plan editor brings React Flow, dagre and the plan's schemas: loaded when opened, out of the first visit's bundle.
const EditorPage = lazy(() => import('./editor/editor-page.js').then((module) => ({ default: module.EditorPage })));
// The admin pages: few users ever open them.
const AuditPage = lazy(() => import('./audit/audit-page.js').then((module) => ({ default: module.AuditPage })));
const AccessPage = lazy(() => import('./access/access-page.js').then((module) => ({ default: module.AccessPage })));

// Asking again cannot turn a refusal (401, 403) into an answer.
const retry = (failures: number, error: Error) => !(error instanceof ApiError && (error.status === 401 || error.status === 403)) && failures < 1;
const queryClient = new QueryClient({ defaultOptions: { queries: { retry, refetchOnWindowFocus: true } } });

const loading = <p aria-busy="true">Loading…</p>;
const lazyPage = (page: ReactNode) => <Suspense fallback={loading}>{page}</Suspense>;

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AuthProvider>
          <div className="min-h-screen bg-white text-gray-900 dark:bg-gray-950 dark:text-gray-100">
            <AppHeader />
            <main className="mx-auto max-w-screen-2xl p-4">
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route element={<RequireAuth />}>
                  <Route path="/" element={<Navigate to="/runs" replace />} />
                  <Route path="/runs" element={<RunsPage />} />
                  <Route path="/runs/:id" element={<RunPage />} />
                  <Route path="/plans/:id/launch" element={<RequireRole role="operator">{lazyPage(<LaunchPage />)}</RequireRole>} />
                  {['/plans/new', '/plans/:id/edit'].map((path) => (
                    <Route key={path} path={path} element={<RequireRole role="operator">{lazyPage(<EditorPage />)}</RequireRole>} />
                  ))}
                  <Route path="/compare" element={<ComparePage />} />
                  <Route path="/workers" element={<WorkersPage />} />
                  <Route path="/audit" element={<RequireRole role="admin">{lazyPage(<AuditPage />)}</RequireRole>} />
                  <Route path="/access" element={<RequireRole role="admin">{lazyPage(<AccessPage />)}</RequireRole>} />
                  <Route path="*" element={<p>No such page.</p>} />
                </Route>
              </Routes>
            </main>
          </div>
        </AuthProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
