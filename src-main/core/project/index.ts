export { Project } from './project';
export { readRecentProjects, touchRecentProject } from './recent';
