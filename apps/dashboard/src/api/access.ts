import type { ApiToken, CreatedApiToken, CreateTokenBody, CreateUserBody, UpdateUserBody, User } from '@loadtest/protocol';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from './client.js';
import { keys } from './queries.js';

export const useUsers = () => useQuery({ queryKey: keys.users, queryFn: () => apiRequest<{ items: User[] }>('/users') });
export const useTokens = () => useQuery({ queryKey: keys.tokens, queryFn: () => apiRequest<{ items: ApiToken[] }>('/tokens') });

export const createUser = (body: CreateUserBody) => apiRequest<User>('/users', { method: 'POST', body: JSON.stringify(body) });
export const updateUser = (id: string, body: UpdateUserBody) => apiRequest<User>(`/users/${id}`, { method: 'PATCH', body: JSON.stringify(body) });
export const createToken = (body: CreateTokenBody) => apiRequest<CreatedApiToken>('/tokens', { method: 'POST', body: JSON.stringify(body) });
export const revokeToken = (id: string) => apiRequest<null>(`/tokens/${id}`, { method: 'DELETE' });
