/** The console's one stylesheet, served as /panel/style.css (the CSP allows no inline style). */
export const panelStyle = `*{box-sizing:border-box}body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2125;background:#f6f7f9}
header{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1.5rem;background:#1f2d3d;color:#fff}
header a{color:#fff;text-decoration:none}header a:focus,header a:hover{text-decoration:underline}
header .who{margin-left:auto;display:flex;gap:1rem;align-items:center}
main{max-width:64rem;margin:1.5rem auto;padding:0 1.5rem}h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin-top:1.6rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem}
.card{background:#fff;border:1px solid #d6dae0;border-radius:.4rem;padding:.8rem 1rem}.card .n{font-size:1.5rem;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e3e6ea}
th{background:#eef1f4}dl{display:grid;grid-template-columns:minmax(12rem,max-content) 1fr;gap:.2rem 1rem;background:#fff;padding:1rem;border:1px solid #d6dae0}
dt{color:#4a5560}dd{margin:0;word-break:break-all}form.inline{display:inline}
button,input{font:inherit;padding:.35rem .7rem;border-radius:.3rem;border:1px solid #8a949e}button{background:#2a5db0;color:#fff;border-color:#2a5db0;cursor:pointer}
header button{background:transparent;border-color:#fff}.error{color:#a4161a}.muted{color:#5a6570}
.login{max-width:22rem;margin:4rem auto;background:#fff;padding:1.5rem;border:1px solid #d6dae0;border-radius:.4rem}
.login label{display:block;margin:.6rem 0 .2rem}.login input{width:100%}.login button{margin-top:1rem;width:100%}
textarea{width:100%;font:13px/1.4 ui-monospace,monospace;padding:.5rem;border:1px solid #8a949e;border-radius:.3rem}label{display:block;margin:.4rem 0}
.pill{display:inline-block;background:#fff;border:1px solid #d6dae0;border-radius:1rem;padding:.1rem .7rem;margin-right:.4rem}label.inline{display:inline}td form.inline{margin-right:.4rem}
nav.pages{margin:1rem 0;display:flex;gap:1rem}a{color:#1d4f9e}
header nav{flex:1;line-height:1.9}select{font:inherit;padding:.3rem .5rem;border-radius:.3rem;border:1px solid #8a949e;background:#fff}
fieldset{background:#fff;border:1px solid #d6dae0;border-radius:.4rem;margin:1rem 0;padding:.6rem 1rem}legend{font-weight:600}
.fields{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:0 1rem}.fields input{width:100%}
form.row{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end;margin:.6rem 0}form.row label{margin:0}
pre{background:#fff;border:1px solid #d6dae0;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font:13px/1.4 ui-monospace,monospace}
dd.price{font-weight:600;font-size:1.1rem}.ack{color:#1a6b34;font-weight:600}.nack{color:#a4161a;font-weight:600}
td.name{white-space:nowrap}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}p.key code{font-size:1.05rem;background:#fff3bf;padding:.1rem .3rem}
`;
