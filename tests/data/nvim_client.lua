-- Drives `wazo-plugin lsp` from neovim (0.7 and later), once the set-up of docs/integrations.md
-- (loaded as init.lua by tests/editors.rs) has started the server for the open plugin.yml: wait
-- for the diagnostics, ask for a hover and the code actions, apply the quick fix, and write
-- what happened to $NVIM_OUT, one line per event.
local out = os.getenv('NVIM_OUT')
local lines = {}
local function log(s) table.insert(lines, s) end
local function finish() vim.fn.writefile(lines, out); vim.cmd('qall!') end
local buf = vim.api.nvim_get_current_buf()
if not vim.wait(10000, function() return next(vim.lsp.buf_get_clients(buf)) ~= nil end, 50) then
  log('no client attached'); finish()
end
for _, c in pairs(vim.lsp.buf_get_clients(buf)) do log('client ' .. c.name) end
local ok = vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
if not ok then log('no diagnostics'); finish() end
local diags = vim.diagnostic.get(buf)
table.sort(diags, function(a, b) return a.lnum < b.lnum end)
for _, d in ipairs(diags) do
  log(string.format('diagnostic %d:%d %s %s', d.lnum, d.col, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?', d.severity))
end
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 1, character = 2 } }
local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 5000)
for _, r in pairs(res or {}) do
  if r.result then log('hover ' .. vim.split(r.result.contents.value, '\n')[1]) end
end
local ca = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = 2, character = 10 }, ['end'] = { line = 2, character = 10 } },
  context = { diagnostics = {} },
}
res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', ca, 5000)
for _, r in pairs(res or {}) do
  for _, a in ipairs(r.result or {}) do
    log('action ' .. a.kind .. ' ' .. a.title)
    if a.kind == 'quickfix' then vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16') end
  end
end
log('line3 ' .. vim.api.nvim_buf_get_lines(buf, 2, 3, false)[1])
finish()
